"""Helpers for the notification tests: delivering pending events (the test's
transaction never commits, so the consumers are run by hand), what each person was
told, a snapshot of everything following and notifying can write (for "refused
changes nothing"), and small API shortcuts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import mail

from cocreate.core.consumers import run_all
from cocreate.core.models import Event
from cocreate.notifications.models import Follow, Notification, Preference
from tests.communities.helpers import API, assert_error, post_json

__all__ = [
    "API",
    "assert_error",
    "deliver",
    "emails_to",
    "kinds",
    "post_json",
    "snapshot",
    "told",
]

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def deliver() -> None:
    """Run the consumers over the events recorded so far, as the commit would."""
    run_all()


def kinds(user: Any) -> list[str]:
    """The kinds of the notifications `user` has, oldest first."""
    deliver()
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


def told(kind: str) -> set[int]:
    """The ids of everyone with a notification of `kind`."""
    deliver()
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def emails_to(user: Any) -> list[Any]:
    deliver()
    return [m for m in mail.outbox if user.email in m.to]


def snapshot() -> dict[str, Any]:
    """Everything the notification actions and consumer may write, comparably."""
    deliver()
    return {
        "emails": len(mail.outbox),
        "follows": sorted(
            Follow.objects.values_list(
                "pk", "user_id", "community_id", "challenge_id", "idea_id", "person_id", "automatic"
            )
        ),
        "notifications": sorted(
            Notification.objects.values_list("pk", "user_id", "kind", "read_at", "emailed_at")
        ),
        "preferences": sorted(
            Preference.objects.values_list(
                "user_id",
                "email_mode",
                "digest_time",
                "digest_weekday",
                "timezone",
                "muted_kinds",
                "last_digest_at",
            )
        ),
        # API tokens made for a test client are not the notifications' doing.
        "events": sorted(
            Event.objects.exclude(kind__startswith="account.").values_list("pk", "kind")
        ),
    }
