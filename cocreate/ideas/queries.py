"""Reads shared by the idea pages and the API, each a fixed number of queries."""

from __future__ import annotations

import json
import math
import threading
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from cocreate.challenges.models import Challenge
from cocreate.ideas.models import (
    LISTED,
    CoAuthor,
    CoAuthorStatus,
    Idea,
    StageChange,
    Support,
)

SORTS = {
    "hot": ("-hot_score", "-pk"),
    "top": ("-support_count", "-pk"),
    "new": ("-created_at", "-pk"),
    "discussed": ("-comment_count", "-pk"),
}


def idea_list(
    challenge: Challenge,
    *,
    sort: str = "hot",
    stage: str = "",
    tag: str = "",
    language: str = "",
    q: str = "",
) -> QuerySet[Idea]:
    # Hidden and removed ideas are the moderators' business (their queue), no one's list.
    qs = Idea.objects.filter(challenge=challenge).select_related("author")
    # A merged duplicate lives on through its target: listed only when asked for.
    qs = qs.filter(moderation="visible", stage=stage) if stage else qs.filter(LISTED)
    if language:
        qs = qs.filter(language=language)
    if tag:
        qs = (
            qs.filter(tags__contains=[tag])
            if _json_contains_supported()
            # SQLite stores the JSON text with \uXXXX escapes: match that serialisation.
            else qs.filter(tags__icontains=json.dumps(tag))
        )
    if q:
        qs = search(qs, q)
    return qs.order_by(*SORTS.get(sort, SORTS["hot"]))


def search(qs: QuerySet[Idea], q: str) -> QuerySet[Idea]:
    """Every word must appear in the title or body, as a substring (so Chinese needs
    no word segmentation). On SQLite, words of 3+ characters go through the FTS5
    trigram index; on PostgreSQL, ILIKE is served by the pg_trgm GIN indexes."""
    from django.db import connection

    for word in q.split()[:8]:
        if connection.vendor == "sqlite" and len(word) >= 3:
            phrase = '"' + word.replace('"', '""') + '"'
            qs = qs.filter(
                id__in=RawSQL(
                    "SELECT rowid FROM ideas_idea_fts WHERE ideas_idea_fts MATCH %s", [phrase]
                )
            )
        else:
            qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return qs


def _json_contains_supported() -> bool:
    from django.db import connection

    return bool(connection.features.supports_json_field_contains)


def with_related(qs: QuerySet[Idea]) -> QuerySet[Idea]:
    """What every idea card, page and JSON shows besides the row: its accepted
    co-authors and its pictures, one query each for a whole page of ideas."""
    return qs.prefetch_related(
        Prefetch(
            "coauthors",
            queryset=CoAuthor.objects.filter(status=CoAuthorStatus.ACCEPTED).select_related("user"),
            to_attr="accepted_coauthors",
        ),
        "images",
    )


def timeline(idea: Idea) -> QuerySet[StageChange]:
    return idea.stage_changes.select_related("actor", "conversation").order_by("created_at", "pk")


def decision_log(challenge: Challenge) -> QuerySet[StageChange]:
    """Every staff decision (and automatic move) on the challenge's ideas, newest first."""
    return (
        StageChange.objects.filter(idea__challenge=challenge, idea__moderation="visible")
        .exclude(from_stage="")
        .select_related("idea", "actor")
        .order_by("-created_at", "-pk")
    )


def lineage(idea: Idea) -> dict[str, Any]:
    """The remix tree around an idea: its ancestors up to the root, and the whole
    tree of remixes below that root (breadth-first, one query per level)."""
    ancestors = []
    seen = {idea.pk}
    node = idea
    while node.parent_id and node.parent_id not in seen:
        parent = (
            Idea.objects.filter(pk=node.parent_id, moderation="visible")
            .only("id", "title", "parent_id", "stage", "support_count")
            .first()
        )
        if parent is None:
            break
        ancestors.append(parent)
        seen.add(parent.pk)
        node = parent
    root = ancestors[-1] if ancestors else idea
    children: dict[int, list[Idea]] = {}
    level = [root.pk]
    visited = {root.pk}
    while level and len(visited) < 2000:
        rows = list(
            Idea.objects.filter(parent_id__in=level, moderation="visible")
            .only("id", "title", "parent_id", "stage", "support_count")
            .order_by("created_at", "pk")
        )
        level = []
        for row in rows:
            if row.pk in visited:
                continue
            visited.add(row.pk)
            children.setdefault(row.parent_id or 0, []).append(row)
            level.append(row.pk)

    def tree(node: Idea) -> dict[str, Any]:
        return {
            "id": node.pk,
            "title": node.title,
            "stage": node.stage,
            "support_count": node.support_count,
            "remixes": [tree(child) for child in children.get(node.pk, [])],
        }

    return {"ancestors": [a.pk for a in reversed(ancestors)], "tree": tree(root)}


def supporter_answers(idea: Idea) -> list[dict[str, Any]]:
    """Aggregated answers to the supporter questions (staff only): per question,
    how many answered, and for numeric answers the mean and median."""
    questions = idea.challenge.supporter_questions or []
    answers = list(Support.objects.filter(idea=idea).values_list("answers", flat=True))
    result = []
    for question in questions:
        given = [a[question] for a in answers if isinstance(a, dict) and a.get(question)]
        numbers = sorted(float(str(v).replace(",", "")) for v in given if _is_number(v))
        summary: dict[str, Any] = {"question": question, "answered": len(given)}
        if numbers:
            mid = len(numbers) // 2
            summary["mean"] = round(sum(numbers) / len(numbers), 2)
            summary["median"] = (
                numbers[mid]
                if len(numbers) % 2
                else round((numbers[mid - 1] + numbers[mid]) / 2, 2)
            )
        result.append(summary)
    return result


def _is_number(value: Any) -> bool:
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        return False
    return math.isfinite(number)  # "NaN", "inf" and "1e999" are not amounts


# One similarity index per challenge, rebuilt when its ideas change. Per process:
# each gunicorn worker keeps its own few, which is cheap next to a query per keystroke.
_INDEXES: dict[int, tuple[tuple[Any, ...], Any]] = {}
_MAX_INDEXES = 16
_BUILD_LOCK = threading.Lock()


def similar_ideas(
    challenge: Challenge, text: str, *, k: int = 5, exclude: int | None = None
) -> list[tuple[Idea, float]]:
    from django.db.models import Count, Max

    from cocreate.ideas.similarity import Index

    stamp = tuple(
        Idea.objects.filter(challenge=challenge)
        .aggregate(n=Count("pk"), changed=Max("updated_at"))
        .values()
    )
    with _BUILD_LOCK:  # threads of one worker build a challenge's index once, not each
        cached = _INDEXES.get(challenge.pk)
        if cached is None or cached[0] != stamp:
            documents = [
                (pk, f"{title}\n{body}")
                for pk, title, body in Idea.objects.filter(
                    challenge=challenge, moderation="visible"
                ).values_list("pk", "title", "body")
            ]
            if len(_INDEXES) >= _MAX_INDEXES:
                _INDEXES.pop(next(iter(_INDEXES)))
            _INDEXES[challenge.pk] = (stamp, Index(documents))
    index = _INDEXES[challenge.pk][1]
    matches = index.query(text, k=k + 5, exclude=exclude, min_score=0.1)
    ideas = (
        Idea.objects.select_related("author")
        .filter(moderation="visible")
        .exclude(stage="merged")
        .in_bulk([m.id for m in matches])
    )
    return [(ideas[m.id], m.score) for m in matches if m.id in ideas][:k]
