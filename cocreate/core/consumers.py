"""The consumer registry. A consumer is a function handling one Event; it runs in
the task worker after commit, in event-id order, and its cursor advances in the
same transaction as its own writes, so each event is handled once per consumer.

Consumers live in each app's consumers.py and register with @consumer(name, kinds).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from cocreate.core.models import ConsumerCursor, Event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Consumer:
    name: str
    kinds: frozenset[str]
    handle: Callable[[Event], None]


REGISTRY: dict[str, Consumer] = {}


def consumer(name: str, kinds: Iterable[str]) -> Callable[[Callable[[Event], None]], Callable]:
    def register(fn: Callable[[Event], None]) -> Callable[[Event], None]:
        REGISTRY[name] = Consumer(name=name, kinds=frozenset(kinds), handle=fn)
        return fn

    return register


def run_consumer(c: Consumer, batch: int = 200) -> int:
    """Handle every new event for one consumer; returns how many it handled."""
    handled = 0
    while True:
        with transaction.atomic():
            cursor, _ = ConsumerCursor.objects.get_or_create(name=c.name)
            cursor = ConsumerCursor.objects.select_for_update().get(pk=cursor.pk)
            events = list(Event.objects.filter(pk__gt=cursor.last_event_id).order_by("pk")[:batch])
            if not events:
                return handled
            for event in events:
                if event.kind in c.kinds:
                    # One savepoint per event: a failing event stops this consumer
                    # at that event (retried next run) without losing earlier ones.
                    try:
                        with transaction.atomic():
                            c.handle(event)
                    except Exception:
                        log.exception("consumer %s failed on event %s", c.name, event.pk)
                        break
                    handled += 1
                cursor.last_event_id = event.pk
            cursor.save(update_fields=["last_event_id", "updated_at"])
            if len(events) < batch or cursor.last_event_id != events[-1].pk:
                return handled


def run_all() -> dict[str, int]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("consumers")  # imports each app's consumers.py once
    return {name: run_consumer(c) for name, c in sorted(REGISTRY.items())}
