"""cocreate.core.consumers: each consumer handles each event of its kinds exactly
once, in id order, with its own cursor; a failing event stops that consumer at
that event (retried next run) without touching other consumers; and an event
recorded in a transaction that rolls back never existed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction

from cocreate.core import consumers, events
from cocreate.core.models import ConsumerCursor, Event, RateBucket

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def register() -> Iterator[Callable[..., consumers.Consumer]]:
    """Register consumers under unique names; remove them from REGISTRY afterwards."""
    names: list[str] = []

    def make(kinds: list[str], handle: Callable[[Event], None]) -> consumers.Consumer:
        name = f"test-{uuid.uuid4().hex[:12]}"
        consumers.consumer(name, kinds)(handle)
        names.append(name)
        return consumers.REGISTRY[name]

    yield make
    for name in names:
        consumers.REGISTRY.pop(name, None)


def record(kind: str, **data: Any) -> Event:
    with transaction.atomic():
        return events.record(kind, **data)


def test_registering_adds_the_consumer_and_teardown_can_remove_it(register):
    c = register(["t.a"], lambda e: None)
    assert consumers.REGISTRY[c.name] is c
    assert c.kinds == frozenset({"t.a"})


def test_consumer_sees_each_event_of_its_kinds_once_in_id_order(register):
    seen: list[int] = []
    c = register(["t.a", "t.b"], lambda e: seen.append(e.pk))
    first = [record("t.a"), record("t.other"), record("t.b"), record("t.a")]

    result = consumers.run_all()
    assert result[c.name] == 3
    assert seen == [first[0].pk, first[2].pk, first[3].pk]

    assert consumers.run_all()[c.name] == 0
    assert consumers.run_all()[c.name] == 0
    assert seen == [first[0].pk, first[2].pk, first[3].pk]

    later = [record("t.b"), record("t.other"), record("t.a")]
    assert consumers.run_all()[c.name] == 2
    assert seen == [first[0].pk, first[2].pk, first[3].pk, later[0].pk, later[2].pk]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen))


def test_cursor_advances_past_events_of_other_kinds(register):
    c = register(["t.a"], lambda e: None)
    record("t.a")
    last = record("t.unrelated")
    consumers.run_all()
    assert ConsumerCursor.objects.get(name=c.name).last_event_id == last.pk


def test_events_spanning_several_batches_are_handled_in_order(register):
    seen: list[int] = []
    c = register(["t.a"], lambda e: seen.append(e.pk))
    recorded = [record("t.a").pk for _ in range(7)]
    assert consumers.run_consumer(c, batch=2) == 7
    assert seen == recorded
    assert consumers.run_consumer(c, batch=2) == 0


def test_a_failing_event_stops_the_consumer_there_and_is_retried_next_run(register):
    calls: list[int] = []
    broken: set[int] = set()

    def handle(event: Event) -> None:
        calls.append(event.pk)
        # The consumer's own write, in the same transaction as its cursor.
        RateBucket.objects.create(key=f"seen:{event.pk}", window_start=event.created_at)
        if event.pk in broken:
            raise Boom(f"cannot handle {event.pk}")

    c = register(["t.a"], handle)
    e1, e2, e3 = record("t.a"), record("t.a"), record("t.a")
    broken.add(e2.pk)

    assert consumers.run_all()[c.name] == 1
    assert calls == [e1.pk, e2.pk]
    assert ConsumerCursor.objects.get(name=c.name).last_event_id == e1.pk
    # The failed event's write was rolled back with it; the earlier one is kept.
    assert set(RateBucket.objects.values_list("key", flat=True)) == {f"seen:{e1.pk}"}

    # Still failing: retried, and earlier events are not handled again.
    assert consumers.run_all()[c.name] == 0
    assert calls == [e1.pk, e2.pk, e2.pk]
    assert ConsumerCursor.objects.get(name=c.name).last_event_id == e1.pk

    broken.clear()
    assert consumers.run_all()[c.name] == 2
    assert calls == [e1.pk, e2.pk, e2.pk, e2.pk, e3.pk]
    assert ConsumerCursor.objects.get(name=c.name).last_event_id == e3.pk
    assert set(RateBucket.objects.values_list("key", flat=True)) == {
        f"seen:{e.pk}" for e in (e1, e2, e3)
    }


def test_a_failure_in_a_later_batch_keeps_the_progress_of_earlier_batches(register):
    calls: list[int] = []
    recorded = [record("t.a").pk for _ in range(5)]

    def handle(event: Event) -> None:
        if event.pk == recorded[3]:
            raise Boom()
        calls.append(event.pk)

    c = register(["t.a"], handle)
    assert consumers.run_consumer(c, batch=2) == 3
    assert calls == recorded[:3]
    assert ConsumerCursor.objects.get(name=c.name).last_event_id == recorded[2]


def test_other_consumers_are_unaffected_by_a_failing_one(register):
    good_seen: list[int] = []

    def bad(event: Event) -> None:
        raise Boom()

    failing = register(["t.a"], bad)
    good = register(["t.a"], lambda e: good_seen.append(e.pk))
    recorded = [record("t.a").pk for _ in range(3)]

    result = consumers.run_all()
    assert result[failing.name] == 0
    assert result[good.name] == 3
    assert good_seen == recorded
    assert ConsumerCursor.objects.get(name=failing.name).last_event_id == 0
    assert ConsumerCursor.objects.get(name=good.name).last_event_id == recorded[-1]

    consumers.run_all()
    assert good_seen == recorded


def test_a_consumer_registered_later_starts_from_the_first_event(register):
    early = [record("t.a").pk for _ in range(2)]
    first_seen: list[int] = []
    register(["t.a"], lambda e: first_seen.append(e.pk))
    consumers.run_all()
    late_seen: list[int] = []
    register(["t.a"], lambda e: late_seen.append(e.pk))
    consumers.run_all()
    assert first_seen == early
    assert late_seen == early


def test_record_in_a_rolled_back_transaction_leaves_nothing_and_triggers_nothing(
    register, django_capture_on_commit_callbacks
):
    seen: list[int] = []
    c = register(["t.rollback"], lambda e: seen.append(e.pk))
    before = Event.objects.count()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        events.record("t.rollback", note="never happened")
        raise Boom()

    assert callbacks == []
    assert Event.objects.count() == before
    assert not Event.objects.filter(kind="t.rollback").exists()
    assert consumers.run_all()[c.name] == 0
    assert seen == []


def test_record_in_a_committed_transaction_runs_consumers_after_commit(
    register, django_capture_on_commit_callbacks
):
    seen: list[str] = []
    register(["t.commit"], lambda e: seen.append(e.data["note"]))

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        events.record("t.commit", note="it happened")
        assert seen == []  # nothing runs before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: schedules the task (run in-process by the test backend)
    assert seen == ["it happened"]
