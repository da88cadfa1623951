"""Helpers for the webhook tests: what a receiver does to check a delivery, endpoints
made after earlier events were handled, sending what is due at a given moment, a
clock walked from one due attempt to the next, and a snapshot of everything the
webhook actions and sending can write (for "refused changes nothing")."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import mail
from django.db.models import Min

from cocreate.core.consumers import run_all
from cocreate.core.models import Event
from cocreate.webhooks import actions, delivery
from cocreate.webhooks.models import Delivery, Endpoint, EventKind
from tests.communities.helpers import API, assert_error, post_json

__all__ = [
    "ALL_KINDS",
    "API",
    "ON_POSTGRES",
    "assert_error",
    "body_of",
    "drive",
    "make_endpoint",
    "post_json",
    "send",
    "snapshot",
    "verifies",
]

ALL_KINDS = list(EventKind.values)
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def verifies(secret: str, received: Any) -> bool:
    """What a receiver does with a delivery, knowing only the documented header and
    the secret: HMAC-SHA256 of the raw body, compared in constant time."""
    given = received.header("X-Cocreate-Signature") or ""
    scheme, _, digest = given.partition("=")
    if scheme != "sha256":
        return False
    expected = hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(digest, expected)


def make_endpoint(actor: Any, community: Any, url: str, kinds: list[str] | None = None) -> Endpoint:
    """An endpoint registered after the events so far were handled (as they are,
    right after their commit, on a running site)."""
    run_all()
    return actions.create_endpoint(actor, community, url=url, kinds=kinds or ALL_KINDS)


def send(now: datetime) -> int:
    """Handle the new events, attempt what is due at `now`, then handle the events
    that sending recorded (as their commit would)."""
    run_all()
    attempted = delivery.send_due(now=now)
    run_all()
    return attempted


def drive(clock: Any, until: datetime) -> int:
    """Move the clock from one due attempt to the next, attempting each, up to
    `until` (where the clock is left). Returns how many attempts were made."""
    made = 0
    while True:
        due = Delivery.objects.filter(
            status="pending", endpoint__active=True, next_attempt_at__lte=until
        ).aggregate(first=Min("next_attempt_at"))["first"]
        if due is None:
            break
        clock.now = max(clock.now, due)
        made += delivery.send_due(now=clock.now)
    clock.now = until
    return made


def snapshot() -> dict[str, Any]:
    """Everything the webhook actions, consumer and sender may write, comparably."""
    run_all()
    return {
        "endpoints": sorted(
            Endpoint.objects.values_list(
                "pk",
                "community_id",
                "url",
                "description",
                "kinds",
                "secret",
                "active",
                "failure_streak",
                "failing_since",
                "last_success_at",
                "disabled_at",
                "disabled_reason",
            ),
            key=repr,
        ),
        "deliveries": sorted(
            Delivery.objects.values_list(
                "pk",
                "endpoint_id",
                "event_id",
                "kind",
                "body",
                "status",
                "attempts",
                "next_attempt_at",
                "started_at",
                "error",
            ),
            key=repr,
        ),
        "events": sorted(
            Event.objects.filter(kind__startswith="webhook.").values_list("pk", "kind")
        ),
        "emails": len(mail.outbox),
    }


def body_of(received: Any) -> dict[str, Any]:
    assert received.header("Content-Type") == "application/json; charset=utf-8"
    return json.loads(received.body.decode("utf-8"))
