"""Auto-disable on a frozen clock: an endpoint failing for 24 hours (at least 5
failures, no success) is turned off exactly once, its waiting deliveries are given
up, its creator is emailed in their language (or the owners, when the creator is
gone); a success in between starts the count again; turning it back on resets the
failure state and redelivery works again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from cocreate.core.errors import Conflict
from cocreate.core.models import Event
from cocreate.dialogue import actions as dialogue
from cocreate.ideas import actions as idea_actions
from cocreate.webhooks import actions
from cocreate.webhooks.delivery import attempt, send_due
from cocreate.webhooks.models import Delivery, Endpoint
from tests.conftest import client_for
from tests.factories import UserFactory, add_member
from tests.webhooks.helpers import drive, make_endpoint, send, snapshot

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture
def hook(clock, community, webmaster, receiver):
    receiver.default = 500
    return make_endpoint(webmaster, community, receiver.url, ["idea.submitted", "comment.posted"])


@pytest.fixture
def idea(clock, hook, challenge, author):
    return idea_actions.submit_idea(author, challenge, title="Refill", body="Bring bottles back.")


def disabled_emails() -> list:
    return [m for m in mail.outbox if "webhook" in m.subject.lower() or "webhook" in m.body]


def fresh(endpoint: Endpoint) -> Endpoint:
    return Endpoint.objects.get(pk=endpoint.pk)


def failing_for_a_day(endpoint: Endpoint, clock, streak: int = 4) -> None:
    """The endpoint has failed `streak` times since a day ago, without a success."""
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failure_streak=streak, failing_since=clock.now - DAY
    )


def test_an_endpoint_failing_for_24_hours_is_disabled_once(
    clock, hook, idea, member, receiver, webmaster
):
    t0 = clock.now
    send(t0)  # the idea's delivery: first failure
    drive(clock, t0 + 23 * HOUR + 59 * MINUTE)
    hook = fresh(hook)
    assert hook.active and hook.failure_streak == 12 and hook.failing_since == t0
    assert not Event.objects.filter(kind="webhook.disabled").exists()

    dialogue.post_comment(member, idea, body="Posted a minute before the day is over")
    send(clock.now)  # fails: 23 h 59 min of failures are not yet 24 hours
    assert fresh(hook).active
    drive(clock, t0 + DAY + HOUR)  # the comment's retry at 24 h fails too

    hook = fresh(hook)
    assert not hook.active
    assert hook.disabled_at == t0 + DAY
    assert hook.disabled_reason
    assert hook.failure_streak == 14
    # Both deliveries were still waiting: given up, and said why.
    assert set(Delivery.objects.values_list("kind", "status", "error", "next_attempt_at")) == {
        ("idea.submitted", "failed", "endpoint disabled", None),
        ("comment.posted", "failed", "endpoint disabled", None),
    }
    [event] = Event.objects.filter(kind="webhook.disabled")
    assert event.target_id == hook.pk and event.community_id == hook.community_id
    assert event.data == {"url": hook.url, "failures": 14}
    sent = len(receiver.requests)
    assert sent == 14

    # Nothing more is sent, and new events queue nothing for it.
    dialogue.post_comment(member, idea, body="After the endpoint was turned off")
    assert drive(clock, t0 + 5 * DAY) == 0
    assert send(clock.now) == 0
    assert len(receiver.requests) == sent
    assert Delivery.objects.count() == 2

    [message] = disabled_emails()
    assert message.to == [webmaster.email]
    assert Event.objects.filter(kind="webhook.disabled").count() == 1


def test_the_email_to_the_creator_says_what_failed_and_where_to_fix_it(
    clock, hook, idea, webmaster, community
):
    failing_for_a_day(hook, clock)
    send(clock.now)
    send(clock.now)  # the consumer runs again: still one email

    [message] = disabled_emails()
    assert message.to == [webmaster.email]
    assert message.subject == f"A webhook of {community.name} was turned off"
    assert f"Hello {webmaster.display_name}," in message.body
    assert hook.url in message.body and "5 times" in message.body
    assert f"http://testserver{reverse('webhooks:detail', args=[hook.pk])}" in message.body
    assert hook.secret not in message.body


def test_the_email_is_in_the_creators_language(clock, hook, idea, webmaster):
    webmaster.language = "zh-hans"
    webmaster.save(update_fields=["language"])
    failing_for_a_day(hook, clock)

    send(clock.now)

    [message] = disabled_emails()
    assert message.to == [webmaster.email]
    assert f"{webmaster.display_name}，你好：" in message.body
    assert "Hello" not in message.body


def test_a_deactivated_creators_email_goes_to_the_owners(
    clock, hook, idea, webmaster, owner, community
):
    second_owner = UserFactory(display_name="Oona Owner", language="zh-hans")
    add_member(community, second_owner, "owner")
    webmaster.is_active = False
    webmaster.save(update_fields=["is_active"])
    failing_for_a_day(hook, clock)

    send(clock.now)

    messages = disabled_emails()
    assert sorted(m.to[0] for m in messages) == sorted([owner.email, second_owner.email])
    by_person = {m.to[0]: m for m in messages}
    assert f"Hello {owner.display_name}," in by_person[owner.email].body
    assert "你好" in by_person[second_owner.email].body


def test_a_deleted_creators_email_goes_to_the_owners(clock, hook, idea, webmaster, owner):
    webmaster.delete()
    failing_for_a_day(hook, clock)

    send(clock.now)

    [message] = disabled_emails()
    assert message.to == [owner.email]
    assert not fresh(hook).active


def test_fewer_than_five_failures_do_not_disable_even_after_a_day(clock, hook, idea):
    failing_for_a_day(hook, clock, streak=3)

    send(clock.now)  # the 4th failure

    hook = fresh(hook)
    assert hook.active and hook.failure_streak == 4
    assert not Event.objects.filter(kind="webhook.disabled").exists()

    clock.advance(minutes=1)
    send_due(now=clock.now)  # the 5th

    hook = fresh(hook)
    assert not hook.active and hook.disabled_at == clock.now
    assert Event.objects.filter(kind="webhook.disabled").count() == 1


def test_five_failures_within_a_day_do_not_disable(clock, hook, idea):
    Endpoint.objects.filter(pk=hook.pk).update(
        failure_streak=10, failing_since=clock.now - DAY + MINUTE
    )
    send(clock.now)
    hook = fresh(hook)
    assert hook.active and hook.failure_streak == 11


def test_many_deliveries_due_at_once_the_first_failure_disables_and_the_rest_wait(
    clock, hook, idea, member, receiver
):
    for n in range(3):
        dialogue.post_comment(member, idea, body=f"Comment {n}")
        clock.advance(seconds=31)
    failing_for_a_day(hook, clock)

    assert send(clock.now) == 1  # the others were given up before their turn

    assert len(receiver.requests) == 1
    assert Delivery.objects.filter(status="failed", error="endpoint disabled").count() == 4
    assert Event.objects.filter(kind="webhook.disabled").count() == 1
    assert len(disabled_emails()) == 1


def test_a_failure_after_the_endpoint_was_disabled_does_not_disable_it_again(
    clock, hook, idea, receiver
):
    failing_for_a_day(hook, clock)
    send(clock.now)
    assert not fresh(hook).active
    # A sender that claimed this delivery before the endpoint was turned off fails too.
    row = Delivery.objects.select_related("endpoint").get()
    clock.advance(minutes=5)

    assert attempt(row, clock.now) is False

    assert Event.objects.filter(kind="webhook.disabled").count() == 1
    assert fresh(hook).disabled_at == clock.now - 5 * MINUTE
    send(clock.now)
    assert len(disabled_emails()) == 1


def test_a_success_in_between_starts_the_count_again(
    clock, hook, idea, member, receiver, webmaster
):
    t0 = clock.now
    send(t0)
    drive(clock, t0 + 12 * HOUR)  # the idea's delivery has failed 10 times
    assert fresh(hook).failure_streak == 10

    receiver.default = 200
    actions.send_test(webmaster, hook)
    send(clock.now)  # the test delivery gets through
    hook = fresh(hook)
    assert (hook.failure_streak, hook.failing_since, hook.last_success_at) == (0, None, clock.now)

    receiver.default = 500
    clock.advance(hours=1)
    for n in range(3):
        dialogue.post_comment(member, idea, body=f"Comment {n}")
        clock.advance(seconds=31)
    restart = clock.now
    send(restart)
    assert fresh(hook).failing_since == restart

    drive(clock, t0 + 36 * HOUR)  # a whole day after the first failure, and more

    hook = fresh(hook)
    assert hook.active and hook.failure_streak >= 5
    assert hook.failing_since == restart
    assert not Event.objects.filter(kind="webhook.disabled").exists()

    drive(clock, restart + 2 * DAY)  # a day after the streak began: turned off

    hook = fresh(hook)
    assert not hook.active
    assert hook.disabled_at >= restart + DAY
    assert Event.objects.filter(kind="webhook.disabled").count() == 1


# --- turning it back on ------------------------------------------------------------------------


@pytest.fixture
def disabled(clock, hook, idea, receiver):
    failing_for_a_day(hook, clock)
    send(clock.now)
    hook = fresh(hook)
    assert not hook.active
    receiver.default = 200
    return hook


def test_redelivery_is_refused_while_the_endpoint_is_off(disabled, webmaster):
    row = Delivery.objects.get()
    before = snapshot()

    with pytest.raises(Conflict):
        actions.redeliver(webmaster, row)
    with pytest.raises(Conflict):
        actions.send_test(webmaster, disabled)

    assert snapshot() == before


def test_the_page_says_it_was_turned_off_and_offers_no_redelivery(disabled, webmaster):
    page = client_for(webmaster).get(reverse("webhooks:detail", args=[disabled.pk]))
    text = page.content.decode()
    assert "Turned off automatically on" in text
    assert reverse("webhooks:redeliver", args=[Delivery.objects.get().pk]) not in text
    before = snapshot()
    client = client_for(webmaster)
    response = client.post(reverse("webhooks:redeliver", args=[Delivery.objects.get().pk]))
    assert response.status_code == 409
    assert "Turn the endpoint on first" in response.content.decode()
    assert client.post(reverse("webhooks:test", args=[disabled.pk])).status_code == 409
    assert snapshot() == before


def test_turning_it_back_on_resets_the_failures_and_redelivery_works(
    clock, disabled, webmaster, receiver
):
    row = Delivery.objects.get()
    first = receiver.requests[0]
    clock.advance(hours=2)

    hook = actions.update_endpoint(webmaster, disabled, active=True)

    assert hook.active
    assert (hook.failure_streak, hook.failing_since, hook.disabled_at, hook.disabled_reason) == (
        0,
        None,
        None,
        "",
    )
    changed = Event.objects.filter(kind="webhook.changed").last()
    assert "active" in changed.data["fields"]

    again = actions.redeliver(webmaster, row)

    assert (again.pk, again.body) == (row.pk, row.body)
    assert (again.status, again.attempts) == ("pending", 0)
    assert again.started_at == again.next_attempt_at == clock.now
    assert Event.objects.filter(kind="webhook.redelivered").last().data == {"delivery": str(row.pk)}
    assert send_due(now=clock.now) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.delivered_at) == ("succeeded", 1, clock.now)
    last = receiver.requests[-1]
    assert last.body == first.body
    assert last.header("X-Cocreate-Delivery") == first.header("X-Cocreate-Delivery") == str(row.pk)
    hook.refresh_from_db()
    assert hook.last_success_at == clock.now and hook.failure_streak == 0


def test_a_redelivery_gets_a_fresh_24_hours(clock, disabled, webmaster, receiver):
    actions.update_endpoint(webmaster, disabled, active=True)
    receiver.default = 500
    clock.advance(days=3)  # long after the delivery's first window
    row = actions.redeliver(webmaster, Delivery.objects.get())

    send_due(now=clock.now)

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == clock.now + MINUTE


def test_a_pending_delivery_cannot_be_redelivered(clock, disabled, webmaster):
    actions.update_endpoint(webmaster, disabled, active=True)
    row = actions.redeliver(webmaster, Delivery.objects.get())
    before = snapshot()

    with pytest.raises(Conflict):
        actions.redeliver(webmaster, row)

    assert snapshot() == before
