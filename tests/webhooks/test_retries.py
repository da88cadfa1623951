"""Retries on a frozen clock, calling send_due(now=...) by hand: a failed attempt is
retried after 1, 2, 4 ... minutes (at most 6 hours apart) and never before, a
delivery still failing after 24 hours is given up, refused connections, timeouts
and redirects are failures, two senders at once never send one delivery twice, and
an endpoint that is off is not sent to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cocreate.dialogue import actions as dialogue
from cocreate.ideas import actions as idea_actions
from cocreate.webhooks import actions
from cocreate.webhooks.delivery import backoff, send_due
from cocreate.webhooks.models import Delivery, Endpoint
from tests.threads import run_at_once
from tests.webhooks.helpers import make_endpoint, send, verifies

MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)


@pytest.fixture
def hook(clock, community, webmaster, receiver):
    return make_endpoint(webmaster, community, receiver.url, ["idea.submitted"])


@pytest.fixture
def pending(clock, hook, challenge, author):
    """One delivery, due now (the moment its idea was submitted)."""
    idea_actions.submit_idea(author, challenge, title="Refill", body="Bring bottles back.")
    send(clock.now - SECOND)  # handles the event; nothing is due before it happened
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, clock.now)
    return row


def fresh(row: Delivery) -> Delivery:
    return Delivery.objects.get(pk=row.pk)


@pytest.mark.django_db
def test_a_500_then_a_200_succeeds_on_the_second_attempt(clock, pending, hook, receiver):
    receiver.answers = [500]
    t0 = clock.now

    assert send_due(now=t0) == 1

    row = fresh(pending)
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, 500)
    assert row.error == "HTTP 500" and row.response_excerpt == "answered 500"
    assert row.last_attempt_at == t0 and row.next_attempt_at == t0 + MINUTE
    assert row.delivered_at is None and row.duration_ms is not None
    hook.refresh_from_db()
    assert (hook.failure_streak, hook.failing_since, hook.last_success_at) == (1, t0, None)

    assert send_due(now=t0 + MINUTE - SECOND) == 0  # not before its time
    assert len(receiver.requests) == 1
    assert send_due(now=t0 + MINUTE) == 1

    row = fresh(pending)
    assert (row.status, row.attempts, row.response_status, row.error) == (
        "succeeded",
        2,
        200,
        "",
    )
    assert row.delivered_at == t0 + MINUTE and row.next_attempt_at is None
    hook.refresh_from_db()
    assert (hook.failure_streak, hook.failing_since) == (0, None)
    assert hook.last_success_at == t0 + MINUTE

    assert send_due(now=t0 + timedelta(days=3)) == 0  # done: never sent again
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first.body == second.body


def test_the_backoff_doubles_from_one_minute_up_to_six_hours():
    assert [backoff(n) for n in range(1, 13)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360)
    ]


@pytest.mark.django_db
def test_failures_are_retried_on_the_schedule_and_given_up_after_24_hours(
    clock, pending, hook, receiver, settings
):
    settings.WEBHOOK_DISABLE_AFTER = timedelta(days=30)  # the endpoint itself stays on
    receiver.default = 500
    t0 = clock.now
    waits = [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]  # minutes, after each failure

    at = t0
    for n, wait in enumerate(waits, start=1):
        assert send_due(now=at - SECOND) == 0, f"attempt {n} came early"
        assert send_due(now=at) == 1
        row = fresh(pending)
        assert (row.status, row.attempts, row.last_attempt_at) == ("pending", n, at)
        assert row.next_attempt_at == at + timedelta(minutes=wait), n
        at += timedelta(minutes=wait)
    assert at - t0 == timedelta(minutes=1591) > timedelta(hours=24)
    assert len(receiver.requests) == 12

    assert send_due(now=at) == 1  # the first attempt after 24 hours is the last

    row = fresh(pending)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 13, None)
    assert row.error == "HTTP 500"
    assert send_due(now=at + timedelta(days=2)) == 0
    assert len(receiver.requests) == 13
    assert fresh(pending).status == "failed"
    hook.refresh_from_db()
    assert hook.active and hook.failure_streak == 13


@pytest.mark.django_db
def test_the_24_hours_count_from_the_first_attempt_not_the_number_of_attempts(
    clock, pending, receiver, settings
):
    settings.WEBHOOK_DISABLE_AFTER = timedelta(days=30)
    receiver.default = 500
    t0 = clock.now
    assert send_due(now=t0) == 1
    # The sender was down for almost a day: the second attempt is late, still retried.
    late = t0 + timedelta(hours=23, minutes=59)
    assert send_due(now=late) == 1
    row = fresh(pending)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 2, late + 2 * MINUTE)

    assert send_due(now=late + 2 * MINUTE) == 1

    row = fresh(pending)
    assert (row.status, row.attempts) == ("failed", 3)


@pytest.mark.django_db
def test_connection_refused_is_a_failure_with_an_error(
    clock, community, webmaster, challenge, author, dead_url
):
    hook = make_endpoint(webmaster, community, dead_url, ["idea.submitted"])
    idea_actions.submit_idea(author, challenge, title="Refill", body="Bring bottles back.")

    assert send(clock.now) == 1

    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, None)
    assert "refused" in row.error.lower(), row.error
    assert row.next_attempt_at == clock.now + MINUTE
    hook.refresh_from_db()
    assert (hook.failure_streak, hook.failing_since) == (1, clock.now)


@pytest.mark.django_db
def test_a_timeout_is_a_failure_with_an_error(clock, pending, hook, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    receiver.delay = 1.0

    assert send_due(now=clock.now) == 1

    row = fresh(pending)
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, None)
    assert "timed out" in row.error.lower(), row.error
    assert row.next_attempt_at == clock.now + MINUTE
    assert len(receiver.requests) == 1
    hook.refresh_from_db()
    assert hook.failure_streak == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_is_not_followed(clock, pending, hook, receiver, status):
    receiver.answers = [status]

    assert send_due(now=clock.now) == 1

    row = fresh(pending)
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, status)
    assert row.error == f"HTTP {status}"
    assert row.next_attempt_at == clock.now + MINUTE
    assert [(r.method, r.path) for r in receiver.requests] == [("POST", "/hook")]
    hook.refresh_from_db()
    assert hook.failure_streak == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", [400, 404, 410, 429, 503])
def test_client_and_server_errors_are_retried(clock, pending, receiver, status):
    receiver.answers = [status]
    assert send_due(now=clock.now) == 1
    row = fresh(pending)
    assert (row.status, row.response_status, row.error) == ("pending", status, f"HTTP {status}")
    assert send_due(now=clock.now + MINUTE) == 1
    assert fresh(pending).status == "succeeded"


@pytest.mark.django_db
@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_any_2xx_is_a_success(clock, pending, receiver, status):
    receiver.answers = [status]
    assert send_due(now=clock.now) == 1
    row = fresh(pending)
    assert (row.status, row.attempts, row.response_status) == ("succeeded", 1, status)


@pytest.mark.django_db
def test_an_inactive_endpoints_deliveries_are_not_sent(clock, pending, hook, webmaster, receiver):
    actions.update_endpoint(webmaster, hook, active=False)

    assert send_due(now=clock.now + timedelta(hours=1)) == 0

    assert receiver.requests == []
    row = fresh(pending)
    assert (row.status, row.attempts) == ("pending", 0)

    # Turned back on within the retry window, it is sent.
    actions.update_endpoint(webmaster, hook, active=True)
    assert send_due(now=clock.now + timedelta(hours=1)) == 1
    assert fresh(pending).status == "succeeded"
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_a_delivery_of_a_deleted_endpoint_is_gone_with_it(clock, pending, hook, webmaster):
    actions.delete_endpoint(webmaster, hook)
    assert not Delivery.objects.exists()
    assert send_due(now=clock.now) == 0


@pytest.mark.django_db
def test_a_delivery_claimed_by_another_sender_is_left_alone(clock, pending, receiver):
    """A sender claims a delivery for two minutes before it posts: another sender
    looking in that time does not send it again."""
    Delivery.objects.filter(pk=pending.pk).update(next_attempt_at=clock.now + 2 * MINUTE)
    assert send_due(now=clock.now + MINUTE) == 0
    assert receiver.requests == []


# --- two senders at once ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_never_send_a_delivery_twice(
    community, webmaster, receiver, make_members
):
    receiver.default = 500  # the attempt made right after each commit fails
    hook = make_endpoint(webmaster, community, receiver.url)
    for _ in range(6):
        actions.send_test(webmaster, hook)
    assert Delivery.objects.filter(attempts=1, status="pending").count() == 6
    receiver.requests.clear()
    receiver.default = 200
    receiver.delay = 0.05  # the two senders overlap
    later = timezone.now() + timedelta(hours=1)

    results = run_at_once(2, lambda _i: send_due(now=later))

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 6, results
    sent = [r.header("X-Cocreate-Delivery") for r in receiver.requests]
    assert sorted(sent) == sorted(str(pk) for pk in Delivery.objects.values_list("pk", flat=True))
    assert all(verifies(hook.secret, r) for r in receiver.requests)
    assert set(Delivery.objects.values_list("status", "attempts")) == {("succeeded", 2)}
    hook.refresh_from_db()
    assert hook.failure_streak == 0


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_share_one_due_delivery(community, webmaster, receiver):
    receiver.default = 500
    hook = make_endpoint(webmaster, community, receiver.url)
    actions.send_test(webmaster, hook)
    receiver.requests.clear()
    receiver.default = 200
    receiver.delay = 0.2
    later = timezone.now() + timedelta(hours=1)

    results = run_at_once(4, lambda _i: send_due(now=later))

    assert sorted(results, key=repr) == [0, 0, 0, 1], results
    assert len(receiver.requests) == 1
    assert Endpoint.objects.get().failure_streak == 0
    assert Delivery.objects.get().attempts == 2


@pytest.mark.django_db
def test_a_comment_and_an_idea_each_get_their_own_delivery_and_schedule(
    clock, community, webmaster, receiver, challenge, author, member
):
    hook = make_endpoint(webmaster, community, receiver.url, ["idea.submitted", "comment.posted"])
    receiver.answers = [500]
    idea = idea_actions.submit_idea(author, challenge, title="Refill", body="Bring bottles back.")
    clock.advance(seconds=30)
    dialogue.post_comment(member, idea, body="Yes please")
    t0 = clock.now

    assert send(t0) == 2  # the idea fails, the comment gets through

    by_kind = {d.kind: d for d in Delivery.objects.all()}
    assert by_kind["idea.submitted"].status == "pending"
    assert by_kind["idea.submitted"].next_attempt_at == t0 + MINUTE
    assert by_kind["comment.posted"].status == "succeeded"
    hook.refresh_from_db()
    # The comment's success ended the streak the idea's failure started.
    assert (hook.failure_streak, hook.failing_since, hook.last_success_at) == (0, None, t0)


# --- what the receiver answers ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_long_answer_is_kept_to_its_first_500_characters(clock, pending, receiver):
    receiver.reply = ("答" * 2000).encode()
    assert send_due(now=clock.now) == 1
    row = fresh(pending)
    assert row.status == "succeeded"
    assert 0 < len(row.response_excerpt) <= 500
    assert set(row.response_excerpt) <= {"答", "\ufffd"}


@pytest.mark.django_db
def test_an_answer_that_is_not_text_is_kept_readable(clock, pending, receiver):
    receiver.answers = [500]
    receiver.reply = bytes(range(1, 256))
    assert send_due(now=clock.now) == 1
    row = fresh(pending)
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, 500)


@pytest.mark.django_db
def test_an_answer_with_a_nul_byte_is_still_recorded_once(clock, pending, receiver):
    """PostgreSQL text cannot hold NUL: the excerpt must not stop the outcome from
    being recorded (else the delivery is sent again every two minutes, forever)."""
    receiver.reply = b"ok\x00done"

    assert send_due(now=clock.now) == 1

    row = fresh(pending)
    assert (row.status, row.attempts, row.response_status) == ("succeeded", 1, 200)
    assert send_due(now=clock.now + timedelta(minutes=3)) == 0
    assert len(receiver.requests) == 1
