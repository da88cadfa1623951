"""Reads of conversations that several callers need: lists, the next statement
for a voter, a participant's own votes, and report rows joined to statements."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db.models import Q, QuerySet

from cocreate.consensus import engine
from cocreate.consensus.models import (
    Conversation,
    ConversationStatus,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from cocreate.core.permissions import can


def for_community(community: Any, user: Any) -> list[Conversation]:
    """Conversations of a community that `user` may see, open ones first (one
    query: what they are about comes along, and the rules run on it)."""
    rows = (
        Conversation.objects.filter(community=community)
        .select_related(
            "community__parent", "challenge__community", "idea__challenge__community", "created_by"
        )
        .order_by("-status", "-created_at", "-pk")
    )
    return [c for c in rows if can(user, "conversation.view", c)]


def conversations_for(idea: Any) -> QuerySet[Conversation]:
    """What a decision on `idea` can cite: conversations about the idea, its
    challenge or its whole community."""
    return (
        Conversation.objects.filter(community=idea.challenge.community_id)
        .filter(
            Q(idea=idea)
            | Q(idea__isnull=True, challenge=idea.challenge_id)
            | Q(idea__isnull=True, challenge__isnull=True)
        )
        .order_by("-created_at", "-pk")[:50]
    )


def participant_of(conversation: Conversation, user: Any) -> Participant | None:
    if user is None or not user.is_authenticated:
        return None
    return Participant.objects.filter(conversation=conversation, user=user).first()


def votable(conversation: Conversation) -> QuerySet[Statement]:
    return Statement.objects.filter(conversation=conversation, status=StatementStatus.ACCEPTED)


def next_statement(
    conversation: Conversation, participant: Participant | None, rng: Any = None
) -> Statement | None:
    """Section 7 of the spec: a statement this participant has not voted on,
    drawn with probability proportional to its priority. Statements newer than
    the last computation get the priority of a statement with no votes."""
    if conversation.status != ConversationStatus.OPEN:
        return None
    candidates = votable(conversation)
    if participant is not None:
        candidates = candidates.exclude(votes__participant=participant)
    ids = list(candidates.values_list("pk", flat=True))
    if not ids:
        return None
    known = conversation.report.get("statements", {})
    fresh = engine.new_statement_priority()
    weights = np.array([known.get(str(pk), {}).get("priority", fresh) for pk in ids])
    picked = engine.pick_next(np.array(ids), weights, rng or np.random.default_rng())
    return Statement.objects.filter(pk=picked).first() if picked is not None else None


def my_votes(conversation: Conversation, participant: Participant | None) -> dict[int, int]:
    if participant is None:
        return {}
    return dict(Vote.objects.filter(participant=participant).values_list("statement_id", "value"))


def progress(conversation: Conversation, participant: Participant | None) -> tuple[int, int]:
    """(statements voted on, statements open for votes)."""
    total = votable(conversation).count()
    done = (
        Vote.objects.filter(
            participant=participant, statement__status=StatementStatus.ACCEPTED
        ).count()
        if participant is not None
        else 0
    )
    return done, total


def pending(conversation: Conversation) -> QuerySet[Statement]:
    return Statement.objects.filter(
        conversation=conversation, status=StatementStatus.PENDING
    ).select_related("author")


def statements_by_id(conversation: Conversation, report: dict[str, Any]) -> dict[int, Statement]:
    """The statements a report mentions, in one query."""
    ids: set[int] = set()
    for group in report.get("groups", []):
        ids.update(r["statement"] for r in group["representative"])
    for rows in report.get("consensus", {}).values():
        ids.update(r["statement"] for r in rows)
    ids.update(r["statement"] for r in report.get("common_ground", []))
    return Statement.objects.filter(conversation=conversation).in_bulk(ids)
