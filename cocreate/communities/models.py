from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")
    MODERATOR = "moderator", _("Moderator")
    EMPLOYEE = "employee", _("Employee")
    PARTNER = "partner", _("Partner")
    MEMBER = "member", _("Member")


# Roles that run the community (decide applications, change roles, edit the charter).
MANAGING_ROLES = frozenset({Role.OWNER, Role.STAFF})


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    APPLICATION = "application", _("By application")
    INVITATION = "invitation", _("By invitation only")


class CircleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PROPOSED = "proposed", _("Proposed")
    DECLINED = "declined", _("Declined")


class Community(models.Model):
    """A community, or a circle when `parent` is set (circles nest one level)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("join policy"), max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    seat_limit = models.PositiveIntegerField(_("seat limit"), null=True, blank=True)
    application_questions = models.JSONField(default=list, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="circles"
    )
    circle_status = models.CharField(
        max_length=10, choices=CircleStatus.choices, default=CircleStatus.ACTIVE
    )
    # Kept exact by F() updates in the same transaction as Membership rows.
    member_count = models.PositiveIntegerField(default=0)
    # Flags from distinct members in good standing that hide content until reviewed.
    flag_threshold = models.PositiveSmallIntegerField(_("flags that hide content"), default=3)
    # Staff always can; with this, members start conversations (opinion maps) too.
    members_start_conversations = models.BooleanField(
        _("members may start conversations"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"
        constraints = [
            models.CheckConstraint(
                condition=Q(seat_limit__isnull=True) | Q(member_count__lte=models.F("seat_limit")),
                name="community_seats_not_exceeded",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_circle(self) -> bool:
        return self.parent_id is not None

    @property
    def seats_left(self) -> int | None:
        if self.seat_limit is None:
            return None
        return max(0, self.seat_limit - self.member_count)

    def current_charter(self) -> CharterVersion | None:
        return self.charter_versions.order_by("-number").first()


class CharterVersion(models.Model):
    """One version of a community's charter. Never edited: every change is a new row."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="charter_versions"
    )
    number = models.PositiveIntegerField()
    mission = models.TextField(_("mission"))
    values = models.TextField(_("values"), blank=True)
    rules = models.TextField(_("open rules"), blank=True)
    summary = models.CharField(_("summary of the change"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="charter_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community} v{self.number}"


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    # Sanctions by moderators, until a date (far in the future for "until lifted").
    # On the membership so the one role lookup per request also answers them.
    muted_until = models.DateTimeField(null=True, blank=True)
    banned_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role})"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    answers = models.JSONField(default=list, blank=True)  # [{"question", "answer"}]
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    message = models.TextField(_("message to the applicant"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(status="pending"),
                name="one_pending_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.community} ({self.status})"


def new_invitation_code() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """A shareable link that admits up to `max_uses` people until `expires_at`."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(max_length=40, unique=True, default=new_invitation_code)
    note = models.CharField(_("note"), max_length=120, blank=True)
    email = models.EmailField(_("send to email"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    max_uses = models.PositiveIntegerField(default=1)
    use_count = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(use_count__lte=models.F("max_uses")), name="invitation_uses_capped"
            )
        ]

    def __str__(self) -> str:
        return f"invitation to {self.community}"

    @property
    def usable(self) -> bool:
        return (
            self.revoked_at is None
            and self.use_count < self.max_uses
            and self.expires_at > timezone.now()
        )
