from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChallengeType(models.TextChoices):
    PRODUCT_IDEA = "product_idea", _("Product idea")
    DESIGN = "design", _("Design")
    CONTENT = "content", _("Content")
    NAMING = "naming", _("Naming")
    OPEN_QUESTION = "open_question", _("Open question")


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PhaseKind(models.TextChoices):
    SUBMISSION = "submission", _("Submission")
    SUPPORT = "support", _("Support")
    REVIEW = "review", _("Review")
    DECISION = "decision", _("Decision")
    DELIVERY = "delivery", _("Delivery")


# What each phase allows: the one table that the permission rules read.
PHASE_RULES: dict[str, frozenset[str]] = {
    PhaseKind.SUBMISSION: frozenset({"submit", "edit", "support", "comment"}),
    PhaseKind.SUPPORT: frozenset({"edit", "support", "comment"}),
    PhaseKind.REVIEW: frozenset({"comment"}),
    PhaseKind.DECISION: frozenset({"comment"}),
    PhaseKind.DELIVERY: frozenset({"comment"}),
}
PHASE_ORDER = [k.value for k in PhaseKind]


class Challenge(models.Model):
    """A brief the organisation publishes. Each community also has one idea box:
    a challenge that is always in its submission phase."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="challenges"
    )
    title = models.CharField(_("title"), max_length=160)
    type = models.CharField(
        _("type"), max_length=20, choices=ChallengeType.choices, default=ChallengeType.PRODUCT_IDEA
    )
    brief = models.TextField(_("brief"), blank=True)
    what_we_need = models.TextField(_("what we need"), blank=True)
    success_criteria = models.TextField(_("success criteria"), blank=True)
    cover = models.ImageField(_("cover image"), upload_to="covers/", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_challenges",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT
    )
    is_idea_box = models.BooleanField(default=False)
    uses_ladder = models.BooleanField(_("ideas gather support on the ladder"), default=True)
    supporter_questions = models.JSONField(default=list, blank=True)
    response_days = models.PositiveIntegerField(
        _("days staff have to answer an idea that reaches review"), null=True, blank=True
    )
    idea_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_idea_box", "-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community"], condition=Q(is_idea_box=True), name="one_idea_box"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ChallengeStatus.PUBLISHED

    def phase_list(self) -> list[Phase]:
        """The phase rows, read once per instance: a page asks which phase it is for
        every permission it checks. set_phases forgets them."""
        if "_phase_list" not in self.__dict__:
            self.__dict__["_phase_list"] = list(self.phases.all())
        return self.__dict__["_phase_list"]  # type: ignore[no-any-return]

    def current_phase(self, now: datetime | None = None) -> str | None:
        """The phase running now, from the phase rows (the idea box is always open)."""
        if self.is_idea_box:
            return PhaseKind.SUBMISSION
        now = now or timezone.now()
        for phase in self.phase_list():
            if phase.starts_at <= now and (phase.ends_at is None or now < phase.ends_at):
                return phase.kind
        return None

    def allows(self, action: str, now: datetime | None = None) -> bool:
        phase = self.current_phase(now)
        return phase is not None and action in PHASE_RULES[phase]

    def current_terms(self) -> TermsVersion | None:
        return self.terms_versions.order_by("-number").first()


class Phase(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=12, choices=PhaseKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "kind"], name="one_phase_per_kind"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="phase_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge}: {self.kind}"


class IpOwner(models.TextChoices):
    CONTRIBUTOR = "contributor", _("The contributor keeps the IP")
    ORGANISATION = "organisation", _("The IP passes to the organisation")
    SHARED = "shared", _("The IP is shared")


class TermsVersion(models.Model):
    """The terms a contributor accepts before submitting. Versioned: each idea
    records the version it was submitted under."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="terms_versions"
    )
    number = models.PositiveIntegerField()
    non_confidential = models.BooleanField(default=True)
    ip_owner = models.CharField(max_length=14, choices=IpOwner.choices, default=IpOwner.CONTRIBUTOR)
    usage = models.TextField(_("how ideas may be used"))
    minimum_age = models.PositiveSmallIntegerField(default=16)
    text = models.TextField(_("full terms"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="terms_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.challenge} terms v{self.number}"


class JuryMember(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="jury")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role on the jury"), max_length=100)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="jury_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Prize(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="prizes")
    title = models.CharField(_("prize"), max_length=160)
    description = models.TextField(blank=True)
    points = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ReviewWindow(models.Model):
    """Ideas that reach the top of the ladder before `cutoff_at` are reviewed at
    `review_at`; later ones wait for the next window (LEGO Ideas' review rounds)."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="review_windows"
    )
    cutoff_at = models.DateTimeField()
    review_at = models.DateTimeField()

    class Meta:
        ordering = ["cutoff_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_at__gte=models.F("cutoff_at")), name="review_after_cutoff"
            )
        ]

    def __str__(self) -> str:
        return f"review {self.review_at:%Y-%m-%d}"
