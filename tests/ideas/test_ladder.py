"""The support ladder on real ideas, with a frozen clock: supports climb levels and
move the deadline (counted from the moment a threshold is reached), withdrawals never
lower the level, missed deadlines expire ideas, and completed ideas wait for the
next review window whose cut-off has not passed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cocreate.challenges import actions as challenge_actions
from cocreate.core.errors import Forbidden, Invalid
from cocreate.core.models import Event
from cocreate.ideas import actions
from cocreate.ideas.models import Idea, StageChange, SupportLadder
from tests.challenges.helpers import (
    API,
    assert_error,
    db_state,
    make_challenge,
    open_submission,
    post_json,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
SMALL = [{"threshold": 2, "days": 10}, {"threshold": 4, "days": 20}]


@pytest.fixture
def start(clock):
    return clock.now


@pytest.fixture
def board(clock, community, owner):
    """A challenge open at any frozen moment, on a 2-in-10-days → 4-in-20-days ladder."""
    actions.set_ladder(owner, community, SMALL)
    return make_challenge(owner, community, phases=open_submission(), response_days=5)


@pytest.fixture
def fans(make_members):
    return make_members(6)


def submit(author, board, title="Refill stations"):
    return actions.submit_idea(author, board, title=title, body="Everywhere.")


def support(user, idea):
    actions.support(user, Idea.objects.get(pk=idea.pk))
    return Idea.objects.get(pk=idea.pk)


# --- configuring the ladder -------------------------------------------------------------------


def test_staff_set_the_ladder_and_it_is_public(community, owner, api_client):
    before = api_client(None).get(f"{API}/communities/{community.slug}/ladder").json()

    response = post_json(
        api_client(owner), f"{API}/communities/{community.slug}/ladder", {"steps": SMALL}, "put"
    )
    after = api_client(None).get(f"{API}/communities/{community.slug}/ladder").json()

    assert before["steps"][0] == {"threshold": 100, "days": 60}  # the LEGO preset
    assert response.status_code == 200, response.content
    assert after == {"steps": SMALL}
    assert SupportLadder.objects.get(community=community).steps == SMALL
    assert Event.objects.filter(kind="ladder.set").count() == 1


@pytest.mark.parametrize(
    "steps", [[], [{"threshold": 5, "days": 5}, {"threshold": 3, "days": 5}], [{"threshold": 5}]]
)
def test_a_bad_ladder_is_invalid_and_changes_nothing(community, owner, steps):
    actions.set_ladder(owner, community, SMALL)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.set_ladder(owner, community, steps)

    assert "steps" in exc.value.fields
    assert db_state() == before


@pytest.mark.parametrize("role", ["member", "moderator", "outsider"])
def test_only_staff_set_the_ladder(request, community, api_client, role):
    user = request.getfixturevalue(role)
    client = api_client(user)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.set_ladder(user, community, SMALL)
    response = post_json(
        client, f"{API}/communities/{community.slug}/ladder", {"steps": SMALL}, "put"
    )

    assert_error(response, 403, "forbidden")
    assert db_state() == before


# --- climbing ---------------------------------------------------------------------------------


def test_a_new_idea_aims_at_the_first_threshold(board, author, start):
    idea = submit(author, board)

    assert (idea.ladder_level, idea.ladder_target, idea.deadline_at) == (0, 2, start + 10 * DAY)


def test_reaching_a_threshold_climbs_and_counts_the_next_deadline_from_that_moment(
    board, author, fans, clock, start, api_client
):
    idea = submit(author, board)
    clock.advance(days=1)
    idea = support(fans[0], idea)
    assert (idea.ladder_level, idea.deadline_at) == (0, start + 10 * DAY)

    clock.advance(days=2)
    idea = support(fans[1], idea)

    assert idea.ladder_level == 1
    assert idea.ladder_target == 4
    assert idea.deadline_at == start + 3 * DAY + 20 * DAY
    assert idea.ladder_completed_at is None
    milestone = Event.objects.get(kind="idea.milestone_reached", target_id=idea.pk)
    assert milestone.data == {"threshold": 2, "level": 1, "complete": False}
    body = api_client(None).get(f"{API}/ideas/{idea.pk}").json()
    assert (body["ladder_level"], body["ladder_target"]) == (1, 4)


def test_withdrawing_never_lowers_the_level(board, author, fans, clock):
    idea = submit(author, board)
    idea = support(fans[0], idea)
    idea = support(fans[1], idea)
    reached = (idea.ladder_level, idea.ladder_target, idea.deadline_at)

    clock.advance(days=1)
    actions.withdraw_support(fans[0], idea)
    actions.withdraw_support(fans[1], Idea.objects.get(pk=idea.pk))

    idea.refresh_from_db()
    assert idea.support_count == 0
    assert (idea.ladder_level, idea.ladder_target, idea.deadline_at) == reached


def test_supporting_again_after_a_withdrawal_does_not_climb_twice(board, author, fans):
    idea = submit(author, board)
    idea = support(fans[0], idea)
    idea = support(fans[1], idea)
    actions.withdraw_support(fans[1], idea)
    idea = support(fans[1], idea)

    assert idea.ladder_level == 1
    assert Event.objects.filter(kind="idea.milestone_reached", target_id=idea.pk).count() == 1


def test_idea_page_shows_target_progress_and_deadline(board, author, fans):
    idea = submit(author, board)
    support(fans[0], idea)

    html = client_for(None).get(f"/ideas/{idea.pk}/").content.decode()

    assert "50" in html  # 1 of 2: half way
    assert idea.deadline_at.strftime("%Y-%m-%d") in html


# --- expiry -------------------------------------------------------------------------------------


def test_an_idea_that_misses_its_deadline_expires_with_a_reason(
    board, author, fans, clock, start, api_client
):
    idea = submit(author, board)
    support(fans[0], idea)

    assert actions.expire_overdue(now=start + 10 * DAY - timedelta(seconds=1)) == 0
    clock.now = start + 10 * DAY + timedelta(seconds=1)
    assert actions.expire_overdue(now=clock.now) == 1

    idea.refresh_from_db()
    assert idea.stage == "expired"
    change = StageChange.objects.filter(idea=idea).last()
    assert (change.from_stage, change.to_stage, change.automatic, change.actor) == (
        "gathering_support",
        "expired",
        True,
        None,
    )
    assert "1" in change.reason_text and "2" in change.reason_text
    assert Event.objects.filter(kind="idea.stage_changed", target_id=idea.pk).count() == 1
    # Still visible, with its timeline.
    page = client_for(None).get(f"/ideas/{idea.pk}/")
    assert page.status_code == 200
    assert change.reason_text in page.content.decode().replace("&#x27;", "'")
    assert api_client(None).get(f"{API}/ideas/{idea.pk}").json()["stage"] == "expired"


def test_an_expired_idea_takes_no_more_support(board, author, fans, clock, start, api_client):
    idea = submit(author, board)
    support(fans[0], idea)
    clock.now = start + 11 * DAY
    actions.expire_overdue(now=clock.now)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.support(fans[1], Idea.objects.get(pk=idea.pk))
    refused = post_json(api_client(fans[1]), f"{API}/ideas/{idea.pk}/support", {})
    withdraw = api_client(fans[0]).delete(f"{API}/ideas/{idea.pk}/support")

    assert_error(refused, 403, "forbidden")
    assert_error(withdraw, 403, "forbidden")
    assert db_state() == before


def test_expiry_runs_once(board, author, clock, start):
    submit(author, board)
    clock.now = start + 11 * DAY

    assert actions.expire_overdue(now=clock.now) == 1
    assert actions.expire_overdue(now=clock.now) == 0
    assert StageChange.objects.filter(to_stage="expired").count() == 1


def test_climbing_in_time_moves_the_deadline_out_of_reach_of_expiry(
    board, author, fans, clock, start
):
    idea = submit(author, board)
    clock.now = start + 9 * DAY
    support(fans[0], idea)
    support(fans[1], idea)  # level 1 on day 9: the next deadline is day 29

    assert actions.expire_overdue(now=start + 28 * DAY) == 0
    assert Idea.objects.get(pk=idea.pk).stage == "gathering_support"
    assert actions.expire_overdue(now=start + 29 * DAY + timedelta(seconds=1)) == 1


def test_expiry_with_the_patched_clock_and_no_argument(board, author, clock, start):
    idea = submit(author, board)
    clock.now = start + 30 * DAY

    assert actions.expire_overdue() == 1
    assert Idea.objects.get(pk=idea.pk).stage == "expired"


# --- review windows and response deadlines -------------------------------------------------------


@pytest.fixture
def windows(board, owner, start):
    """Cut-off day 5 → reviewed day 7; cut-off day 30 → reviewed day 40."""
    challenge_actions.set_review_windows(
        owner,
        board,
        [
            {"cutoff_at": start + 5 * DAY, "review_at": start + 7 * DAY},
            {"cutoff_at": start + 30 * DAY, "review_at": start + 40 * DAY},
        ],
    )
    return list(board.review_windows.order_by("cutoff_at"))


def complete(idea, fans):
    for fan in fans[:4]:
        idea = support(fan, idea)
    return idea


def test_completing_the_ladder_queues_the_idea_in_the_next_window(
    board, windows, author, fans, clock, start, api_client
):
    clock.now = start + 2 * DAY
    idea = complete(submit(author, board), fans)

    assert idea.ladder_level == 2
    assert idea.ladder_target is None
    assert idea.deadline_at is None
    assert idea.ladder_completed_at == start + 2 * DAY
    assert idea.review_window == windows[0]
    assert idea.stage == "gathering_support"
    body = api_client(None).get(f"{API}/ideas/{idea.pk}").json()
    assert body["review_at"].startswith((start + 7 * DAY).date().isoformat())


def test_an_idea_completing_after_a_cutoff_waits_for_the_next_window(
    board, windows, author, fans, clock, start
):
    clock.now = start + 6 * DAY  # the first cut-off has passed
    idea = complete(submit(author, board), fans)

    assert idea.review_window == windows[1]


def test_an_idea_completing_after_every_cutoff_waits_for_a_window_added_later(
    board, windows, owner, author, fans, clock, start
):
    clock.now = start + 31 * DAY
    idea = complete(submit(author, board), fans)
    assert idea.ladder_completed_at is not None
    assert idea.review_window is None
    assert actions.open_due_reviews(now=start + 400 * DAY) == 0
    assert Idea.objects.get(pk=idea.pk).stage == "gathering_support"

    # Staff announce the next round: the waiting idea is reviewed in it.
    challenge_actions.set_review_windows(
        owner,
        board,
        [
            {"cutoff_at": start + 5 * DAY, "review_at": start + 7 * DAY},
            {"cutoff_at": start + 30 * DAY, "review_at": start + 40 * DAY},
            {"cutoff_at": start + 60 * DAY, "review_at": start + 70 * DAY},
        ],
    )
    clock.now = start + 70 * DAY
    actions.open_due_reviews(now=clock.now)

    assert Idea.objects.get(pk=idea.pk).stage == "under_review"


def test_review_opens_on_the_window_date(board, windows, author, fans, clock, start):
    clock.now = start + 1 * DAY
    early = complete(submit(author, board, "Early"), fans)
    clock.now = start + 6 * DAY
    late = complete(submit(author, board, "Late"), fans)

    assert actions.open_due_reviews(now=start + 7 * DAY - timedelta(seconds=1)) == 0
    assert actions.open_due_reviews(now=start + 7 * DAY) == 1
    assert Idea.objects.get(pk=early.pk).stage == "under_review"
    assert Idea.objects.get(pk=late.pk).stage == "gathering_support"
    change = StageChange.objects.filter(idea=early).last()
    assert (change.to_stage, change.automatic) == ("under_review", True)
    assert (start + 7 * DAY).date().isoformat() in change.reason_text

    assert actions.open_due_reviews(now=start + 40 * DAY) == 1
    assert Idea.objects.get(pk=late.pk).stage == "under_review"
    assert actions.open_due_reviews(now=start + 41 * DAY) == 0


def test_completed_ideas_never_expire(board, windows, author, fans, clock, start):
    idea = complete(submit(author, board), fans)

    assert actions.expire_overdue(now=start + 1000 * DAY) == 0
    assert Idea.objects.get(pk=idea.pk).stage == "gathering_support"


def test_response_due_is_set_and_cleared_by_the_next_staff_decision(
    board, windows, author, fans, staff, clock, start
):
    clock.now = start + 2 * DAY
    idea = complete(submit(author, board), fans)
    assert idea.response_due_at == start + 2 * DAY + 5 * DAY
    assert idea.responded_at is None

    actions.open_due_reviews(now=start + 7 * DAY)  # automatic: not an answer
    assert Idea.objects.get(pk=idea.pk).responded_at is None

    clock.now = start + 8 * DAY
    actions.change_stage(staff, Idea.objects.get(pk=idea.pk), stage="accepted", reason="Yes!")

    assert Idea.objects.get(pk=idea.pk).responded_at == start + 8 * DAY


def test_overdue_answers_are_listed_on_the_challenge_page(
    board, windows, author, fans, staff, clock, start
):
    clock.now = start + 2 * DAY
    idea = complete(submit(author, board, "Waiting for an answer idea"), fans)
    on_time = client_for(None).get(f"/challenges/{board.pk}/").content.decode()

    clock.now = start + 8 * DAY  # due on day 7
    overdue = client_for(None).get(f"/challenges/{board.pk}/").content.decode()
    actions.change_stage(staff, Idea.objects.get(pk=idea.pk), stage="under_review", reason="Now")
    answered = client_for(None).get(f"/challenges/{board.pk}/").content.decode()

    section = 'id="overdue-h"'
    assert section not in on_time
    assert section in overdue
    assert f'href="/ideas/{idea.pk}/"' in overdue.split(section, 1)[1]
    assert section not in answered


def test_without_response_days_nothing_is_due(community, owner, author, fans, clock):
    actions.set_ladder(owner, community, SMALL)
    challenge = make_challenge(owner, community, phases=open_submission())

    idea = complete(submit(author, challenge), fans)

    assert idea.ladder_completed_at is not None
    assert idea.response_due_at is None


def test_support_after_completion_does_not_change_the_ladder(board, windows, author, fans, clock):
    idea = complete(submit(author, board), fans)
    reached = (idea.ladder_level, idea.ladder_completed_at, idea.review_window_id)

    clock.advance(days=3)
    idea = support(fans[4], idea)

    assert idea.support_count == 5
    assert (idea.ladder_level, idea.ladder_completed_at, idea.review_window_id) == reached


def test_withdrawing_from_an_idea_under_review_is_refused(
    board, windows, author, fans, clock, start
):
    idea = complete(submit(author, board), fans)
    actions.open_due_reviews(now=start + 7 * DAY)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.withdraw_support(fans[0], Idea.objects.get(pk=idea.pk))

    assert db_state() == before
