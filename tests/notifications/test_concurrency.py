"""Two digest jobs (or two consumers) running at the same moment, on real
transactions in separate threads: one digest, one email, one notification each."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.core import mail

from cocreate.core.consumers import run_all
from cocreate.core.models import ConsumerCursor
from cocreate.dialogue import actions as dialogue
from cocreate.notifications import actions, digests
from cocreate.notifications.models import Notification, Preference
from tests.threads import run_at_once

NOW = datetime(2030, 1, 15, 6, 30, tzinfo=UTC)


@pytest.fixture
def waiting(transactional_db, idea, author, member, make_members):
    """The author has one notification waiting for their daily digest; everyone else
    takes no email."""
    [talker] = make_members(1)
    actions.set_preferences(member, email_mode="off")
    actions.set_preferences(talker, email_mode="off")
    dialogue.post_comment(talker, idea, body="Hello there")  # committed: consumers have run
    assert Notification.objects.filter(user=author, emailed_at__isnull=True).count() == 1
    mail.outbox.clear()
    return talker


def test_two_digest_runs_at_once_send_one_digest(waiting, author):
    actions.set_preferences(author, email_mode="daily")
    Preference.objects.filter(user=author).update(
        last_digest_at=datetime(2030, 1, 14, 7, tzinfo=UTC)
    )

    results = run_at_once(2, lambda _i: digests.send_due(now=NOW))

    assert sorted(results) == [0, 1], results
    assert [m.to for m in mail.outbox] == [[author.email]]
    assert Preference.objects.get(user=author).last_digest_at == NOW


def test_four_digest_runs_at_once_for_several_members(waiting, idea, author, make_members):
    people = make_members(3)
    for person in people:
        actions.follow(person, idea=idea)
    dialogue.post_comment(waiting, idea, body="Another")
    everyone = [author, *people]
    for person in everyone:
        actions.set_preferences(person, email_mode="daily")
    Preference.objects.filter(user__in=everyone).update(
        last_digest_at=datetime(2030, 1, 14, 7, tzinfo=UTC)
    )
    mail.outbox.clear()

    results = run_at_once(4, lambda _i: digests.send_due(now=NOW))

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 4
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(
        p.email for p in everyone
    )


def test_two_digest_runs_at_once_for_a_member_without_preferences(waiting, author, monkeypatch):
    assert not Preference.objects.filter(user=author).exists()
    # Both runs look at the member before either writes (as two workers do when they
    # start in the same minute): each finds no Preference row.
    both_looked = threading.Barrier(2, timeout=10)
    due = actions.digest_due

    def due_together(pref, now):
        both_looked.wait()
        return due(pref, now)

    monkeypatch.setattr(actions, "digest_due", due_together)

    results = run_at_once(2, lambda _i: digests.send_due(now=NOW))

    assert sorted(results, key=repr) == [0, 1], results
    assert [m.to for m in mail.outbox] == [[author.email]]


def test_two_consumers_at_once_over_the_same_events_create_nothing_new(
    transactional_db, idea, author, member, make_members
):
    [talker] = make_members(1)
    actions.follow(member, idea=idea)
    actions.set_preferences(author, email_mode="each")
    actions.set_preferences(member, email_mode="each")
    dialogue.post_comment(talker, idea, body="Emailed once")  # committed: consumers have run
    dialogue.post_comment(talker, idea, body="Also emailed once")
    rows = sorted(Notification.objects.values_list("pk", "user_id", "event_id", "emailed_at"))
    assert len(rows) == 4 and len(mail.outbox) == 4
    ConsumerCursor.objects.filter(name="notifications").update(last_event_id=0)

    results = run_at_once(2, lambda _i: run_all())

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(Notification.objects.values_list("pk", "user_id", "event_id", "emailed_at")) == (
        rows
    )
    assert len(mail.outbox) == 4
