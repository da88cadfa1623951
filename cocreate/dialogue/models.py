"""Comments on ideas and challenges: threads, edit history, reactions, official
answers and accepted answers."""

from __future__ import annotations

import html
import re
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

# Replies deeper than this are shown at this depth (flattened), as on Discourse.
MAX_SHOWN_DEPTH = 3


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    # Deleted by its author while it had replies: kept as a placeholder so the
    # thread still reads, with the text and its history erased.
    DELETED = "deleted", _("Deleted")
    # Hidden automatically by flags until a moderator decides; removed by one.
    HIDDEN = "hidden", _("Hidden pending review")
    REMOVED = "removed", _("Removed by moderators")


class ReactionKind(models.TextChoices):
    # A small fixed set: enough to say "+1" without a reply, too few to become noise.
    THUMBS_UP = "thumbs_up", "👍"
    HEART = "heart", "❤️"
    IDEA = "idea", "💡"
    PARTY = "party", "🎉"
    THINKING = "thinking", "🤔"


REACTION_LABELS = {
    "thumbs_up": _("Agree"),
    "heart": _("Love it"),
    "idea": _("Insightful"),
    "party": _("Celebrate"),
    "thinking": _("Not sure"),
}


class IdeaUpdate(models.Model):
    """A progress post by an idea's authors (LEGO Ideas' "updates"): followers of
    the idea are told, and each update has its own discussion."""

    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=140)
    body = models.TextField(_("update"))
    body_html = models.TextField(blank=True, default="")
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["idea", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def rendered_body(self) -> SafeString:
        return mark_safe(self.body_html)  # noqa: S308 - sanitised by core.markdown when written

    @property
    def excerpt(self) -> str:
        """The text of the rendering, blocks separated by spaces, for previews
        (plain text: the template escapes it)."""
        text = html.unescape(re.sub(r"<[^>]+>", " ", self.body_html))
        return Truncator(" ".join(text.split())).chars(240)


class Comment(models.Model):
    """A comment on a challenge (idea is null), on one of its ideas, or on one of an
    idea's updates (idea and update set). `root` is the top-level comment of the
    thread (null for that comment itself)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="comments"
    )
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="comments"
    )
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    update = models.ForeignKey(
        IdeaUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(_("comment"))
    body_html = models.TextField(blank=True, default="")
    official = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    # On a thread's first comment (the question): the reply its author accepted.
    accepted_answer = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0)
    version_count = models.PositiveIntegerField(default=1)
    # Flags from members in good standing, kept by F() updates under the row lock.
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    # Set by dialogue.queries for display, never stored.
    reaction_counts: dict[str, int]
    my_reactions: set[str]
    asker_id: int | None
    replying_to: Comment | None

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["idea", "root", "created_at"]),
            models.Index(
                fields=["update", "root", "created_at"],
                condition=Q(update__isnull=False),
                name="dialogue_update_thread_idx",
            ),
            models.Index(fields=["challenge", "idea", "root", "created_at"]),
            models.Index(
                fields=["idea", "-created_at"],
                condition=Q(official=True),
                name="dialogue_official_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk}"

    @property
    def deleted(self) -> bool:
        return self.status == CommentStatus.DELETED

    @property
    def visible(self) -> bool:
        return self.status == CommentStatus.VISIBLE

    @property
    def shown_depth(self) -> int:
        return min(self.depth, MAX_SHOWN_DEPTH)

    @property
    def rendered_body(self) -> SafeString:
        return mark_safe(self.body_html)  # noqa: S308 - sanitised by core.markdown when written


class CommentVersion(models.Model):
    """Every text a comment has had; version 1 is what was first posted."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "number"], name="comment_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} v{self.number}"


class Reaction(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user", "kind"], name="one_reaction")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.comment_id}"


# --- moderation ----------------------------------------------------------------------------


class Moderation(models.TextChoices):
    """Where a piece of content stands with the moderators (ideas carry this; a
    comment's status has the same values besides its own)."""

    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden pending review")
    REMOVED = "removed", _("Removed by moderators")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Harassment or hate")
    PRIVACY = "privacy", _("Someone's personal data")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """A member's report of a comment or an idea: one per member and item (the
    unique constraints). `counts` records whether the flagger was in good standing,
    i.e. whether it weighs toward hiding the item automatically."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=FlagReason.choices)
    note = models.TextField(blank=True)
    counts = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=Q(comment__isnull=False),
                name="one_flag_per_comment",
            ),
            models.UniqueConstraint(
                fields=["idea", "user"], condition=Q(idea__isnull=False), name="one_flag_per_idea"
            ),
            models.CheckConstraint(
                condition=Q(comment__isnull=True, idea__isnull=False)
                | Q(comment__isnull=False, idea__isnull=True),
                name="flag_has_one_target",
            ),
        ]
        indexes = [models.Index(fields=["community", "resolved_at"])]

    def __str__(self) -> str:
        return f"flag {self.pk}"


class ModerationAction(models.TextChoices):
    AUTO_HIDDEN = "auto_hidden", _("Hidden automatically after flags")
    RESTORED = "restored", _("Restored")
    REMOVED = "removed", _("Removed")
    MUTED = "muted", _("Muted")
    BANNED = "banned", _("Banned")
    UNMUTED = "unmuted", _("Mute lifted")
    UNBANNED = "unbanned", _("Ban lifted")


class AppendOnly(Exception):
    pass


class ModerationEntry(models.Model):
    """The moderation audit log, append-only: rows are written once and never
    changed or deleted (save and delete refuse; only the cascade from a deleted
    community removes them)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="moderation_log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=ModerationAction.choices)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whose content or account it concerns.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} ({self.created_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("moderation log entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("moderation log entries are never deleted")
