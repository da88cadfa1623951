"""Supports: one per member per idea, withdrawable, never by the idea's authors;
answers to the supporter questions are stored and summed up for staff only."""

from __future__ import annotations

import json

import pytest

from cocreate.core.errors import Conflict, Forbidden, Invalid
from cocreate.core.models import Event
from cocreate.ideas import actions, queries
from cocreate.ideas.models import Idea, Support
from tests.challenges.helpers import API, assert_error, db_state, make_challenge, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def reload(idea):
    return Idea.objects.get(pk=idea.pk)


def test_a_member_supports_an_idea_once(idea, member):
    actions.support(member, idea)

    assert idea.support_count == 1
    assert Support.objects.filter(idea=idea, user=member).count() == 1
    assert Event.objects.filter(kind="idea.supported", target_id=idea.pk).count() == 1


def test_a_second_support_is_a_conflict_and_changes_nothing(idea, member, api_client):
    actions.support(member, idea)
    client = api_client(member)
    before = db_state()

    with pytest.raises(Conflict):
        actions.support(member, reload(idea))
    response = post_json(client, f"{API}/ideas/{idea.pk}/support", {})

    assert_error(response, 409, "conflict")
    assert db_state() == before
    assert reload(idea).support_count == 1


def test_withdrawing_removes_the_support(idea, member, api_client):
    actions.support(member, idea)

    response = api_client(member).delete(f"{API}/ideas/{idea.pk}/support")

    assert response.status_code == 200, response.content
    assert response.json() == {"idea": idea.pk, "support_count": 0, "supported": False}
    assert not Support.objects.filter(idea=idea).exists()
    assert reload(idea).support_count == 0
    assert Event.objects.filter(kind="idea.support_withdrawn").count() == 1


def test_support_again_after_withdrawing(idea, member):
    actions.support(member, idea)
    actions.withdraw_support(member, reload(idea))
    actions.support(member, reload(idea))

    assert reload(idea).support_count == Support.objects.filter(idea=idea).count() == 1


def test_withdrawing_without_supporting_is_a_conflict(idea, member, api_client):
    client = api_client(member)
    before = db_state()

    with pytest.raises(Conflict):
        actions.withdraw_support(member, idea)
    response = client.delete(f"{API}/ideas/{idea.pk}/support")

    assert_error(response, 409, "conflict")
    assert db_state() == before


def test_the_author_cannot_support_their_own_idea(idea, author, api_client):
    client = api_client(author)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.support(author, idea)
    response = post_json(client, f"{API}/ideas/{idea.pk}/support", {})

    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_outsiders_cannot_support(idea, outsider, api_client):
    client = api_client(outsider)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.support(outsider, idea)
    response = post_json(client, f"{API}/ideas/{idea.pk}/support", {})

    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_anonymous_withdraw_is_refused(idea):
    from django.contrib.auth.models import AnonymousUser

    before = db_state()
    with pytest.raises(Forbidden):
        actions.withdraw_support(AnonymousUser(), idea)
    assert db_state() == before


def test_an_idea_under_review_no_longer_gains_or_loses_support(
    idea, member, staff, make_members, api_client
):
    actions.support(member, idea)
    actions.change_stage(staff, reload(idea), stage="under_review", reason="Let us look")
    newcomer = make_members(1)[0]
    before = db_state()

    with pytest.raises(Forbidden):
        actions.withdraw_support(member, reload(idea))
    with pytest.raises(Forbidden):
        actions.support(newcomer, reload(idea))
    withdraw = api_client(member).delete(f"{API}/ideas/{idea.pk}/support")
    support = post_json(api_client(newcomer), f"{API}/ideas/{idea.pk}/support", {})

    assert_error(withdraw, 403, "forbidden")
    assert_error(support, 403, "forbidden")
    assert db_state() == before


def test_support_page_with_htmx_renders_the_panel(idea, member):
    client = client_for(member)

    response = client.post(f"/ideas/{idea.pk}/support/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert reload(idea).support_count == 1
    html = response.content.decode()
    assert f"/ideas/{idea.pk}/withdraw/" in html


def test_support_page_without_javascript_redirects(idea, member):
    response = client_for(member).post(f"/ideas/{idea.pk}/support/")
    withdrawn = client_for(member).post(f"/ideas/{idea.pk}/withdraw/")

    assert response.status_code == 302 and withdrawn.status_code == 302
    assert reload(idea).support_count == 0


# --- supporter questions ------------------------------------------------------------------

PAY = "What would you pay?"
HOW_MANY = "How many would you buy?"


@pytest.fixture
def asking(community, owner, author):
    challenge = make_challenge(owner, community, supporter_questions=[PAY, HOW_MANY])
    return actions.submit_idea(author, challenge, title="Solar lamp", body="A lamp.")


def test_answers_are_stored_with_the_support(asking, member):
    actions.support(member, asking, answers={PAY: " 12.50 ", "Unasked?": "ignored"})

    assert Support.objects.get(idea=asking, user=member).answers == {PAY: "12.50"}


def test_too_long_answers_are_invalid(asking, member):
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.support(member, asking, answers={PAY: "9" * 201})

    assert "answers" in exc.value.fields
    assert db_state() == before


def test_answers_are_aggregated_with_mean_and_median(asking, make_members):
    people = make_members(4)
    for person, pay, many in zip(
        people, ["10", "20", "30", "100"], ["1", "2", "lots", ""], strict=True
    ):
        actions.support(person, reload(asking), answers={PAY: pay, HOW_MANY: many})

    summary = queries.supporter_answers(reload(asking))

    assert summary == [
        {"question": PAY, "answered": 4, "mean": 40.0, "median": 25.0},
        {"question": HOW_MANY, "answered": 3, "mean": 1.5, "median": 1.5},
    ]


@pytest.mark.parametrize("odd", ["NaN", "inf", "-Infinity", "1e999"])
def test_non_numbers_that_parse_as_floats_do_not_poison_the_summary(
    asking, make_members, staff, api_client, odd
):
    people = make_members(3)
    for person, pay in zip(people, ["10", "20", odd], strict=True):
        actions.support(person, reload(asking), answers={PAY: pay})

    response = api_client(staff).get(f"{API}/ideas/{asking.pk}/supporter-answers")

    assert response.status_code == 200
    # Valid JSON (no NaN / Infinity), and only finite numbers in the mean and median.
    summary = json.loads(response.content, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert summary[0] == {"question": PAY, "answered": 3, "mean": 15.0, "median": 15.0}


def test_supporter_answers_api_is_for_staff_only(asking, make_members, staff, member, api_client):
    for person, pay in zip(make_members(3), ["5", "7", "9"], strict=True):
        actions.support(person, reload(asking), answers={PAY: pay})

    for_staff = api_client(staff).get(f"{API}/ideas/{asking.pk}/supporter-answers")
    for_member = api_client(member).get(f"{API}/ideas/{asking.pk}/supporter-answers")
    for_author = api_client(asking.author).get(f"{API}/ideas/{asking.pk}/supporter-answers")
    for_anonymous = api_client(None).get(f"{API}/ideas/{asking.pk}/supporter-answers")

    assert for_staff.status_code == 200
    assert for_staff.json()[0] == {"question": PAY, "answered": 3, "mean": 7.0, "median": 7.0}
    assert for_staff.json()[1] == {
        "question": HOW_MANY,
        "answered": 0,
        "mean": None,
        "median": None,
    }
    assert_error(for_member, 403, "forbidden")
    assert_error(for_author, 403, "forbidden")
    assert_error(for_anonymous, 401, "unauthenticated")


def test_idea_page_shows_the_answers_to_staff_only(asking, make_members, staff, member):
    actions.support(make_members(1)[0], asking, answers={PAY: "42"})

    staff_page = client_for(staff).get(f"/ideas/{asking.pk}/").content.decode()
    member_page = client_for(member).get(f"/ideas/{asking.pk}/").content.decode()

    assert "mean 42" in staff_page
    assert "mean 42" not in member_page
    assert (
        "Supporters&#x27; answers" not in member_page and "Supporters' answers" not in member_page
    )


def test_api_support_with_answers(asking, member, api_client):
    response = post_json(
        api_client(member), f"{API}/ideas/{asking.pk}/support", {"answers": {PAY: "3"}}
    )

    assert response.status_code == 201, response.content
    assert response.json() == {"idea": asking.pk, "support_count": 1, "supported": True}
    assert Support.objects.get(idea=asking).answers == {PAY: "3"}
