"""Follows, notifications and how each member wants to hear about them."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    """A member following a community, a challenge, an idea or a person. Made by
    hand, or automatically on what they create, support or comment on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    TARGETS = ("community", "challenge", "idea", "person")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            *[
                models.UniqueConstraint(
                    fields=["user", name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"follow_one_{name}",
                )
                for name in ("community", "challenge", "idea", "person")
            ],
            models.CheckConstraint(
                condition=(
                    Q(community__isnull=False, challenge=None, idea=None, person=None)
                    | Q(community=None, challenge__isnull=False, idea=None, person=None)
                    | Q(community=None, challenge=None, idea__isnull=False, person=None)
                    | Q(community=None, challenge=None, idea=None, person__isnull=False)
                ),
                name="follow_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows"

    @property
    def target(self) -> models.Model:
        for name in self.TARGETS:
            value = getattr(self, name)
            if value is not None:
                return value  # type: ignore[no-any-return]
        raise ValueError("a follow without a target")

    @property
    def target_kind(self) -> str:
        return next(name for name in self.TARGETS if getattr(self, f"{name}_id"))


class Kind(models.TextChoices):
    """What a notification is about; members choose which kinds they hear of."""

    IDEA_SUBMITTED = "idea_submitted", _("New ideas where you follow")
    IDEA_CHANGED = "idea_changed", _("Ideas you follow change materially")
    STAGE_CHANGED = "stage_changed", _("Decisions on ideas you follow")
    MILESTONE = "milestone", _("Ideas you follow reach a support milestone")
    COMMENT = "comment", _("Comments where you follow")
    REPLY = "reply", _("Replies to your comments")
    OFFICIAL_ANSWER = "official_answer", _("Official answers where you follow")
    CHALLENGE_PUBLISHED = "challenge_published", _("New challenges in communities you follow")
    MENTION = "mention", _("Someone mentions you")
    IDEA_UPDATE = "idea_update", _("Updates from the authors of ideas you follow")


class Notification(models.Model):
    """One thing one member should hear about. Unique per member and event, so the
    same event never reaches anyone twice, however often the consumer runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey("core.Event", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "dialogue.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    update = models.ForeignKey(
        "dialogue.IdeaUpdate", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    # When it happened (the event's time), not when the worker got to it.
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="one_notification_per_event")
        ]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "emailed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class EmailMode(models.TextChoices):
    EACH = "each", _("An email for each notification")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")
    OFF = "off", _("No email")


class Preference(models.Model):
    """How a member hears about notifications. Members without a row get the
    defaults: a daily digest at 06:30 in their time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(
        _("email"), max_length=8, choices=EmailMode.choices, default=EmailMode.DAILY
    )
    digest_time = models.TimeField(_("digest time"), default=time(6, 30))
    digest_weekday = models.PositiveSmallIntegerField(_("weekly digest day"), default=0)  # Monday
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Kinds the member does not want at all (neither in the app nor by email).
    muted_kinds = models.JSONField(default=list, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
