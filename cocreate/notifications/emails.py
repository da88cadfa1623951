"""Notification emails: one per notification, or a digest; both carry a signed
one-click unsubscribe link (List-Unsubscribe, RFC 8058)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cocreate.core import mail
from cocreate.notifications import queries
from cocreate.notifications.models import Notification


def _unsubscribe(user: Any) -> tuple[str, dict[str, str]]:
    from cocreate.notifications.actions import unsubscribe_token

    url = settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(user)])
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return url, headers


def send_one(notification: Notification) -> None:
    user = notification.user
    if not user.is_active or user.email_confirmed_at is None or not queries.shown(notification):
        return
    with translation.override(user.language):
        item = queries.describe(notification)
    url, headers = _unsubscribe(user)
    mail.send(
        user.email,
        "notification",
        {"person": user, "item": item, "unsubscribe_url": url},
        user.language,
        headers=headers,
    )


def send_digest(user: Any, notifications: list[Notification], period: str) -> None:
    with translation.override(user.language):
        items = [queries.describe(n) for n in notifications]
    url, headers = _unsubscribe(user)
    mail.send(
        user.email,
        "digest",
        {"person": user, "items": items, "period": period, "unsubscribe_url": url},
        user.language,
        headers=headers,
    )
