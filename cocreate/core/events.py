"""Recording events. Called by actions inside their transaction; schedules the
consumers to run once that transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from cocreate.core.models import Event


def record(
    kind: str,
    *,
    actor: Any = None,
    community: Any = None,
    target: models.Model | None = None,
    **data: Any,
) -> Event:
    event = Event.objects.create(
        kind=kind,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        community=community,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        data=data,
    )
    transaction.on_commit(_schedule_consumers)
    return event


def _schedule_consumers() -> None:
    from cocreate.core.tasks import process_events

    process_events.enqueue()
