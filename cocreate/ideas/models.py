from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cocreate.core.markdown import render
from cocreate.ideas.ladder import LEGO_PRESET


class Stage(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    GATHERING_SUPPORT = "gathering_support", _("Gathering support")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", pgettext_lazy("idea stage", "Accepted")
    DECLINED = "declined", pgettext_lazy("idea stage", "Declined")
    ARCHIVED = "archived", _("Archived")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    EXPIRED = "expired", _("Expired")
    MERGED = "merged", _("Merged")


# Which stages staff may move an idea to from each stage. Expiry is the system's.
STAGE_FLOW: dict[str, frozenset[str]] = {
    Stage.SUBMITTED: frozenset({"gathering_support", "under_review", "declined", "archived"}),
    Stage.GATHERING_SUPPORT: frozenset({"under_review", "declined", "archived"}),
    Stage.UNDER_REVIEW: frozenset({"accepted", "declined", "archived", "gathering_support"}),
    Stage.ACCEPTED: frozenset({"in_progress", "archived"}),
    Stage.IN_PROGRESS: frozenset({"delivered", "archived"}),
    Stage.DELIVERED: frozenset(),
    Stage.DECLINED: frozenset({"under_review"}),
    Stage.ARCHIVED: frozenset(),
    Stage.EXPIRED: frozenset(),
    Stage.MERGED: frozenset(),  # left only by undoing the merge
}
REASON_REQUIRED = frozenset({Stage.DECLINED, Stage.ARCHIVED})
# Stages in which an idea still collects support and may be edited by its authors.
OPEN_STAGES = frozenset({Stage.SUBMITTED, Stage.GATHERING_SUPPORT})
# Stages whose discussion is closed: the idea lives on elsewhere or ran out of time.
CLOSED_STAGES = frozenset({Stage.EXPIRED, Stage.MERGED})
# What idea lists show: visible (not hidden or removed by moderators) and not merged
# into another idea. queries.idea_list filters exactly this; the list indexes hold it.
LISTED = models.Q(moderation="visible") & ~models.Q(stage=Stage.MERGED)


class SupportLadder(models.Model):
    """A community's support ladder; communities without a row use the LEGO preset."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="support_ladder"
    )
    steps = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"ladder of {self.community}"


def ladder_steps(community: Any) -> list[dict[str, int]]:
    ladder = SupportLadder.objects.filter(community=community).first()
    return ladder.steps if ladder else LEGO_PRESET


class Idea(models.Model):
    # A migration that adds a column here makes SQLite rebuild the table, which drops
    # the full-text triggers: end it with RunPython(search.forwards) as 0006 does.
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="ideas"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("description"))
    # The sanitised rendering of body, made when the body is written: lists of
    # ideas in the API would otherwise spend most of their time in Markdown.
    body_html = models.TextField(blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.SUBMITTED)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="remixes",
        verbose_name=_("remix of"),
    )
    resubmission_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resubmissions"
    )
    terms_version = models.ForeignKey(
        "challenges.TermsVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
    )
    # Kept exact by F() updates in the same transaction as Support rows.
    support_count = models.PositiveIntegerField(default=0)
    version_count = models.PositiveIntegerField(default=1)
    # visible / hidden (by flags, pending review) / removed (by a moderator).
    moderation = models.CharField(max_length=8, default="visible")
    flag_count = models.PositiveIntegerField(default=0)
    # Visible comments (dialogue app), kept by F() updates: the "most discussed" sort.
    comment_count = models.PositiveIntegerField(default=0)
    # Capped by a conditional F() update, so two uploads cannot both take the last slot.
    image_count = models.PositiveSmallIntegerField(default=0)
    hot_score = models.FloatField(default=0.0)
    # Ladder position: thresholds reached, the next target and its deadline.
    ladder_level = models.PositiveSmallIntegerField(default=0)
    ladder_target = models.PositiveIntegerField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    ladder_completed_at = models.DateTimeField(null=True, blank=True)
    review_window = models.ForeignKey(
        "challenges.ReviewWindow",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    response_due_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["challenge", "stage"]),
            # One per list order, holding only listed ideas (queries.idea_list without
            # a stage filter), with the id tie-break: the page is an index range scan
            # and the count an index-only scan, however many ideas are hidden or merged.
            *[
                models.Index(
                    fields=["challenge", order, "-id"], condition=LISTED, name=f"idea_list_{name}"
                )
                for name, order in (
                    ("hot", "-hot_score"),
                    ("top", "-support_count"),
                    ("new", "-created_at"),
                    ("discussed", "-comment_count"),
                )
            ],
            models.Index(fields=["stage", "deadline_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rendered_body(self) -> SafeString:
        """The stored rendering (sanitised when written), or a fresh one for rows
        written around the actions (fixtures, bulk loads)."""
        if self.body_html or not self.body:
            return mark_safe(self.body_html)  # noqa: S308 - sanitised by core.markdown
        return render(self.body)


class IdeaVersion(models.Model):
    """Every edit of an idea is a new version; version 1 is the submission."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=160)
    body = models.TextField()
    tags = models.JSONField(default=list, blank=True)
    material = models.BooleanField(default=False)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "number"], name="idea_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} v{self.number}"


def idea_image_path(instance: IdeaImage, filename: str) -> str:
    return f"ideas/{instance.idea_id}/{filename}"


class IdeaImage(models.Model):
    """A picture of an idea: checked by content and re-encoded by clean_image, so
    the stored file is never the uploaded bytes."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=idea_image_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt = models.CharField(_("description of the image"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"image {self.pk} of {self.idea_id}"


class CoAuthorStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", pgettext_lazy("idea stage", "Accepted")


class CoAuthor(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="coauthors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coauthorships"
    )
    status = models.CharField(
        max_length=10, choices=CoAuthorStatus.choices, default=CoAuthorStatus.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="coauthor_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.idea_id}"


class Support(models.Model):
    """One member backing one idea: the unique constraint is what makes it one."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="one_support")]
        indexes = [models.Index(fields=["idea", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} supports {self.idea_id}"


SYSTEM_REASONS = {
    "expired": _("Reached %(count)d of %(target)d supporters by the deadline."),
    "review_window": _(
        "Reached the top of the support ladder; reviewed in the window of %(date)s."
    ),
    "merged_into": _("Merged into “%(title)s”."),
    "merge_undone": _("Merge undone."),
}


class StageChange(models.Model):
    """The public decision log: who moved an idea, when, and why."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    automatic = models.BooleanField(default=False)
    # Reasons the system writes are stored as a code with parameters and worded in
    # the reader's language when shown; people's reasons are stored as written.
    code = models.CharField(max_length=20, blank=True)
    params = models.JSONField(default=dict, blank=True)
    # A conversation whose report is part of the public reason (its common ground).
    conversation = models.ForeignKey(
        "consensus.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["to_stage", "created_at"])]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_stage} → {self.to_stage}"

    @property
    def reason_text(self) -> str:
        if self.code in SYSTEM_REASONS:
            try:
                return str(SYSTEM_REASONS[self.code]) % self.params
            except (KeyError, TypeError, ValueError):
                return str(SYSTEM_REASONS[self.code])
        return self.reason


class Merge(models.Model):
    """A duplicate merged into another idea by staff. The duplicate keeps its page
    (stage "merged"); its supporters who did not already back the target are copied
    over (listed in moved_user_ids), so nobody counts twice. Undoing removes exactly
    those copies and restores the duplicate's stage."""

    source = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="merges_out")
    target = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="merges_in")
    source_stage = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    moved_user_ids = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(undone_at__isnull=True),
                name="one_active_merge_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class StageColour(models.TextChoices):
    TEAL = "teal", _("Teal")
    BLUE = "blue", _("Blue")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")
    RED = "red", _("Red")
    GREY = "grey", _("Grey")
    PURPLE = "purple", _("Purple")


class CustomStage(models.Model):
    """A community's own pipeline stage (e.g. "prototype testing"), placed in the
    flow by naming the stages that may lead to it and those it may lead to."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="custom_stages"
    )
    key = models.CharField(max_length=20)
    name = models.CharField(max_length=60)
    colour = models.CharField(max_length=10, choices=StageColour.choices, default=StageColour.TEAL)
    follows = models.JSONField(default=list)
    leads_to = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["community", "key"], name="custom_stage_unique")
        ]

    def __str__(self) -> str:
        return self.name


def stage_flow(community: Any) -> dict[str, frozenset[str]]:
    """The built-in flow extended with the community's custom stages."""
    flow = {stage: set(after) for stage, after in STAGE_FLOW.items()}
    for custom in CustomStage.objects.filter(community=community):
        flow[custom.key] = set(custom.leads_to)
        for before in custom.follows:
            flow.setdefault(before, set()).add(custom.key)
    return {stage: frozenset(after) for stage, after in flow.items()}


def stage_labels(community: Any) -> dict[str, str]:
    labels = {str(value): str(label) for value, label in Stage.choices}
    labels.update(CustomStage.objects.filter(community=community).values_list("key", "name"))
    return labels
