"""Webhook endpoints registered by community staff, and the log of every delivery
made to them."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    """The events an endpoint can subscribe to (Event.kind values)."""

    IDEA_SUBMITTED = "idea.submitted", _("Idea submitted")
    IDEA_EDITED = "idea.edited", _("Idea edited")
    STAGE_CHANGED = "idea.stage_changed", _("Idea stage changed")
    MILESTONE = "idea.milestone_reached", _("Support milestone reached")
    COMMENT_POSTED = "comment.posted", _("Comment posted")
    UPDATE_POSTED = "update.posted", _("Idea update posted")
    CHALLENGE_PUBLISHED = "challenge.published", _("Challenge published")


# Sent by "Send a test delivery"; never recorded as an Event.
PING = "ping"


class Endpoint(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("payload URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kinds = models.JSONField(_("events"), default=list)
    # The HMAC key. Stored as is (it must be, to sign), shown in full only when made.
    secret = models.CharField(max_length=80)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Consecutive failed attempts, and since when, reset by any success; the
    # endpoint is disabled when it has failed that long without a single success.
    failure_streak = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["community", "active"])]

    def __str__(self) -> str:
        return self.url

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("webhook delivery", "Pending")
    SUCCEEDED = "succeeded", pgettext_lazy("webhook delivery", "Delivered")
    FAILED = (
        "failed",
        pgettext_lazy("webhook delivery", "Failed"),
    )  # gave up: retries ran out, or the endpoint was disabled


class Delivery(models.Model):
    """One event for one endpoint: the exact body sent (so every retry carries the
    same bytes and signature) and how the attempts went."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        "core.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=64)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Retries run for WEBHOOK_RETRY_HOURS from here (reset by a manual redelivery).
    started_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"],
                condition=Q(event__isnull=False),
                name="one_delivery_per_event",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_due_idx",
            ),
            models.Index(fields=["endpoint", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.endpoint_id}"

    @property
    def pretty_body(self) -> str:
        """The body indented for reading in the log (what was sent is `body`)."""
        try:
            return json.dumps(json.loads(self.body), indent=2, ensure_ascii=False)
        except ValueError:
            return self.body
