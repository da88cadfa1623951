"""Conversations: statements members vote agree / disagree / pass on, from
which opinion groups and common ground are computed (engine.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

STATEMENT_LENGTH = 300


class ModerationMode(models.TextChoices):
    # Pre: members' statements wait for a moderator before anyone votes on them.
    PRE = "pre", _("Before they are shown (pre-moderation)")
    # Post: shown at once; moderators can reject them afterwards.
    POST = "post", _("After they are shown (post-moderation)")


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    PASS = 0, _("Pass / unsure")
    DISAGREE = -1, _("Disagree")


class Conversation(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="conversations"
    )
    # What it is about, if anything more specific than the community.
    challenge = models.ForeignKey(
        "challenges.Challenge",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    idea = models.ForeignKey(
        "ideas.Idea",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True, default="")
    moderation = models.CharField(
        _("moderate members' statements"),
        max_length=4,
        choices=ModerationMode.choices,
        default=ModerationMode.POST,
    )
    allow_statements = models.BooleanField(_("members may add statements"), default=True)
    status = models.CharField(
        max_length=6, choices=ConversationStatus.choices, default=ConversationStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Pol.is imports keep where they came from.
    source = models.CharField(max_length=200, blank=True)

    # Counters, kept with F() updates in the writing transaction.
    participant_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    statement_count = models.PositiveIntegerField(default=0)  # accepted ones
    # Bumped by every change the computation depends on (votes, moderation).
    version = models.PositiveBigIntegerField(default=0)

    # The latest computation (tasks.recompute). `report` holds only aggregates
    # and is what pages and the API show; `state` and `rows` stay server-side.
    computed_version = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    compute_seconds = models.FloatField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    state = models.JSONField(default=dict, blank=True)
    # participant pk -> index of their point in report["points"] (their own dot).
    rows = models.JSONField(default=dict, blank=True)
    # Debounce: set by the vote that queues a recomputation, cleared when it starts.
    compute_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["community", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ConversationStatus.OPEN

    @property
    def is_stale(self) -> bool:
        return self.computed_version < self.version


class Participant(models.Model):
    """Someone who has voted in (or written for) a conversation. Imported Pol.is
    participants have no account: `external_id` is their Pol.is number."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversation_participations",
    )
    external_id = models.BigIntegerField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=Q(user__isnull=False),
                name="one_participant_per_user",
            ),
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=Q(external_id__isnull=False),
                name="one_participant_per_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"participant {self.pk} of {self.conversation_id}"


class Statement(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    body = models.CharField(_("statement"), max_length=STATEMENT_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Imported statements keep their author's participant row (no account).
    author_participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Written by the organisers to start the conversation.
    is_seed = models.BooleanField(default=False)
    # Turned from an idea (challenge -> conversation in one step).
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=StatementStatus.choices, default=StatementStatus.ACCEPTED
    )
    # About the process rather than the topic: voted on, left out of the maths.
    is_meta = models.BooleanField(default=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    external_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    pass_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "status"])]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def vote_total(self) -> int:
        return self.agree_count + self.disagree_count + self.pass_count

    @property
    def in_maths(self) -> bool:
        """Rejected and meta statements are zeroed out of the computation."""
        return self.status != StatementStatus.REJECTED and not self.is_meta


class Vote(models.Model):
    """One participant's current vote on one statement; changing it updates the
    row (only the latest vote counts). Private: reports show only aggregates."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="one_vote_each"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value"),
        ]
        indexes = [models.Index(fields=["conversation", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.participant_id} on {self.statement_id}: {self.value}"
