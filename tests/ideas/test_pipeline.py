"""The pipeline: staff move ideas along STAGE_FLOW with a public reason (required for
declined and archived); the idea page shows the timeline, and each challenge has a
decision log page and API."""

from __future__ import annotations

import re

import pytest

from cocreate.core.errors import Forbidden, Invalid
from cocreate.core.models import Event
from cocreate.ideas import actions
from cocreate.ideas.models import REASON_REQUIRED, STAGE_FLOW, Idea, Stage, StageChange
from tests.challenges.helpers import API, assert_error, db_state, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def reload(idea):
    return Idea.objects.get(pk=idea.pk)


def put_in(idea, stage):
    Idea.objects.filter(pk=idea.pk).update(stage=stage)
    return reload(idea)


LEGAL = [(old, new) for old, targets in STAGE_FLOW.items() for new in sorted(targets)]
ILLEGAL = [(old, new) for old in Stage.values for new in Stage.values if new not in STAGE_FLOW[old]]


def test_the_flow_is_the_documented_pipeline():
    assert STAGE_FLOW["submitted"] >= {"gathering_support", "under_review"}
    assert STAGE_FLOW["gathering_support"] >= {"under_review"}
    assert STAGE_FLOW["under_review"] >= {"accepted", "declined", "archived"}
    assert STAGE_FLOW["accepted"] >= {"in_progress"}
    assert STAGE_FLOW["in_progress"] >= {"delivered"}
    assert STAGE_FLOW["delivered"] == frozenset()
    assert STAGE_FLOW["expired"] == frozenset()  # expiry is the system's, and final
    assert set(REASON_REQUIRED) == {"declined", "archived"}
    assert all(stage == stage.lower() and " " not in stage for stage in Stage.values)


@pytest.mark.parametrize(("old", "new"), LEGAL)
def test_staff_move_an_idea_along_the_flow(idea, staff, old, new):
    idea = put_in(idea, old)

    change = actions.change_stage(staff, idea, stage=new, reason=f"From {old} to {new}.")

    assert reload(idea).stage == new
    assert (change.from_stage, change.to_stage, change.actor, change.automatic) == (
        old,
        new,
        staff,
        False,
    )
    event = Event.objects.get(kind="idea.stage_changed", target_id=idea.pk)
    assert (event.data["old"], event.data["new"], event.data["reason"]) == (
        old,
        new,
        f"From {old} to {new}.",
    )


@pytest.mark.parametrize(("old", "new"), ILLEGAL)
def test_an_illegal_move_is_invalid_and_changes_nothing(idea, staff, old, new):
    idea = put_in(idea, old)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.change_stage(staff, idea, stage=new, reason="Because.")

    assert "stage" in exc.value.fields
    assert db_state() == before


def test_an_unknown_stage_is_invalid(idea, staff, api_client):
    client = api_client(staff)
    before = db_state()

    with pytest.raises(Invalid):
        actions.change_stage(staff, idea, stage="Under Review", reason="x")
    response = post_json(client, f"{API}/ideas/{idea.pk}/stage", {"stage": "shipped"})

    assert_error(response, 422, "invalid", "stage")
    assert db_state() == before


@pytest.mark.parametrize("stage", ["declined", "archived"])
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_declining_or_archiving_without_a_reason_is_invalid_and_changes_nothing(
    idea, staff, api_client, stage, reason
):
    client = api_client(staff)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.change_stage(staff, idea, stage=stage, reason=reason)
    response = post_json(client, f"{API}/ideas/{idea.pk}/stage", {"stage": stage, "reason": reason})
    page = client_for(staff).post(f"/ideas/{idea.pk}/stage/", {"stage": stage, "reason": reason})

    assert "reason" in exc.value.fields
    assert_error(response, 422, "invalid", "reason")
    assert page.status_code == 422
    assert db_state() == before
    assert reload(idea).stage == "gathering_support"
    assert not StageChange.objects.filter(idea=idea, to_stage=stage).exists()


def test_other_moves_may_go_without_a_reason(idea, staff):
    actions.change_stage(staff, idea, stage="under_review")

    assert reload(idea).stage == "under_review"


@pytest.mark.parametrize("role", ["author", "member", "moderator", "outsider"])
def test_only_staff_change_stages(request, idea, api_client, role):
    user = request.getfixturevalue(role)
    client = api_client(user)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.change_stage(user, idea, stage="under_review", reason="Me!")
    response = post_json(
        client, f"{API}/ideas/{idea.pk}/stage", {"stage": "under_review", "reason": "Me!"}
    )
    page = client_for(user).post(
        f"/ideas/{idea.pk}/stage/", {"stage": "under_review", "reason": "Me!"}
    )

    assert_error(response, 403, "forbidden")
    assert page.status_code == 403
    assert db_state() == before


def test_anonymous_stage_change_is_401(idea, api_client):
    before = db_state()

    response = post_json(api_client(None), f"{API}/ideas/{idea.pk}/stage", {"stage": "declined"})

    assert_error(response, 401, "unauthenticated")
    assert db_state() == before


def test_api_stage_change_returns_the_idea_with_snake_case_stage(idea, owner, api_client):
    response = post_json(
        api_client(owner),
        f"{API}/ideas/{idea.pk}/stage",
        {"stage": "under_review", "reason": "Worth a look."},
    )

    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "under_review"


def walk(idea, staff):
    steps = [
        ("under_review", "The team is looking."),
        ("accepted", "We will build it."),
        ("in_progress", "Prototype in the lab."),
        ("delivered", "In shops from May."),
    ]
    for stage, reason in steps:
        actions.change_stage(staff, reload(idea), stage=stage, reason=reason)
    return steps


def test_history_api_lists_every_change_with_reason_in_snake_case(idea, staff, api_client):
    steps = walk(idea, staff)

    history = api_client(None).get(f"{API}/ideas/{idea.pk}/history").json()

    assert history["count"] == 5
    rows = [(h["from_stage"], h["to_stage"], h["reason"]) for h in history["items"]]
    assert rows == [
        ("", "gathering_support", ""),
        ("gathering_support", "under_review", "The team is looking."),
        ("under_review", "accepted", "We will build it."),
        ("accepted", "in_progress", "Prototype in the lab."),
        ("in_progress", "delivered", "In shops from May."),
    ]
    assert all(h["actor"]["id"] == staff.pk for h in history["items"][1:])
    assert steps


def test_idea_page_timeline_lists_every_change_with_reason(idea, staff):
    steps = walk(idea, staff)

    html = client_for(None).get(f"/ideas/{idea.pk}/").content.decode()
    timeline = html.split('id="timeline-h"', 1)[1].split("</ol>", 1)[0]

    positions = [timeline.index(reason) for _stage, reason in steps]
    assert positions == sorted(positions)
    assert len(re.findall(r"<li[ >]", timeline)) == 5  # the submission and four decisions
    assert staff.display_name in timeline


def test_decision_log_lists_all_decisions_of_the_challenge(
    challenge, idea, member, staff, api_client
):
    other = actions.submit_idea(member, challenge, title="Paper straws", body="Again.")
    actions.change_stage(staff, other, stage="declined", reason="Straws are banned here.")
    walk(idea, staff)

    log = api_client(None).get(f"{API}/challenges/{challenge.pk}/decisions").json()
    page = client_for(None).get(f"/challenges/{challenge.pk}/decisions/")

    assert log["count"] == 5  # submissions are not decisions
    rows = [(d["idea"], d["to_stage"], d["reason"]) for d in log["items"]]
    assert rows[0] == (idea.pk, "delivered", "In shops from May.")  # newest first
    assert (other.pk, "declined", "Straws are banned here.") in rows
    assert all(d["idea_title"] for d in log["items"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Straws are banned here." in html and "In shops from May." in html


def test_decision_log_belongs_to_its_challenge(
    community, owner, challenge, idea, staff, api_client
):
    from tests.challenges.helpers import make_challenge

    elsewhere = make_challenge(owner, community, title="Elsewhere")
    actions.change_stage(staff, idea, stage="declined", reason="Not now.")

    log = api_client(None).get(f"{API}/challenges/{elsewhere.pk}/decisions").json()

    assert log["count"] == 0


def test_the_stage_form_offers_only_the_allowed_next_stages(idea, staff, member):
    staff_page = client_for(staff).get(f"/ideas/{idea.pk}/").content.decode()
    member_page = client_for(member).get(f"/ideas/{idea.pk}/").content.decode()

    form = staff_page.split(f'action="/ideas/{idea.pk}/stage/"', 1)[1].split("</form>", 1)[0]
    offered = {s for s in Stage.values if f'value="{s}"' in form}
    assert offered == set(STAGE_FLOW["gathering_support"])
    assert f'action="/ideas/{idea.pk}/stage/"' not in member_page


def test_stage_page_moves_the_idea(idea, staff):
    response = client_for(staff).post(
        f"/ideas/{idea.pk}/stage/", {"stage": "declined", "reason": "Too costly to make."}
    )

    assert response.status_code == 302
    assert reload(idea).stage == "declined"
    assert StageChange.objects.filter(idea=idea).last().reason == "Too costly to make."
