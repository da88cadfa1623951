"""Reads of the dialogue shared by pages and the API, each a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet

from cocreate.challenges.models import Challenge
from cocreate.dialogue.models import (
    MAX_SHOWN_DEPTH,
    Comment,
    CommentStatus,
    IdeaUpdate,
    Reaction,
    ReactionKind,
)
from cocreate.ideas.models import Idea

THREADS_PER_PAGE = 30


Discussed = Idea | Challenge | IdeaUpdate


def comments_of(target: Discussed) -> QuerySet[Comment]:
    """All comments of an idea (not of its updates), of an update, or of a
    challenge itself (not of its ideas)."""
    qs = Comment.objects.select_related("author")
    if isinstance(target, IdeaUpdate):
        return qs.filter(update=target)
    if isinstance(target, Idea):
        return qs.filter(idea=target, update__isnull=True)
    return qs.filter(challenge=target, idea__isnull=True)


def annotate_reactions(comments: list[Comment], user: Any) -> None:
    """Sets `reaction_counts` (kind -> n, in the fixed order) and `my_reactions` on
    each comment: two queries for any number of comments."""
    ids = [c.pk for c in comments]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Reaction.objects.filter(comment_id__in=ids)
        .values("comment_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["comment_id"]][row["kind"]] = row["n"]
    mine: dict[int, set[str]] = defaultdict(set)
    if user is not None and user.is_authenticated and ids:
        for comment_id, kind in Reaction.objects.filter(comment_id__in=ids, user=user).values_list(
            "comment_id", "kind"
        ):
            mine[comment_id].add(kind)
    for comment in comments:
        found = counts.get(comment.pk, {})
        comment.reaction_counts = {k: found[k] for k in ReactionKind.values if k in found}
        comment.my_reactions = mine.get(comment.pk, set())


def thread_page(
    target: Discussed, page_number: Any, user: Any, *, also: Comment | None = None
) -> tuple[Page[Comment], list[Comment]]:
    """A page of threads (top-level comments, oldest first) and, in reading order,
    every comment of those threads: each reply right after its parent, siblings
    oldest first. Replies deeper than MAX_SHOWN_DEPTH show at that depth."""
    tops = comments_of(target).filter(root__isnull=True).order_by("pk")
    if isinstance(target, Idea | IdeaUpdate) and not target.comment_count:
        tops = tops.none()  # the usual case for a new idea: no queries at all
    page = Paginator(tops, THREADS_PER_PAGE).get_page(page_number)
    roots = list(page.object_list)
    replies = list(comments_of(target).filter(root__in=roots)) if roots else []
    children: dict[int, list[Comment]] = defaultdict(list)
    for reply in replies:
        children[reply.parent_id or 0].append(reply)
    ordered: list[Comment] = []

    def walk(comment: Comment) -> None:
        ordered.append(comment)
        for child in children.get(comment.pk, []):
            walk(child)

    for root in roots:
        walk(root)
    by_id = {c.pk: c for c in ordered}
    for comment in ordered:
        # Who may accept an answer in this thread, without loading the root again.
        root = by_id.get(comment.root_id or 0)
        comment.asker_id = root.author_id if root is not None else None
        # A flattened reply says whom it answers, since its indent no longer does.
        parent = by_id.get(comment.parent_id or 0)
        comment.replying_to = (
            parent if parent is not None and comment.depth > MAX_SHOWN_DEPTH else None
        )
    # `also` (the pinned official answer) gets its reactions in the same two queries.
    annotate_reactions(ordered + ([also] if also is not None else []), user)
    return page, ordered


def accepted_ids(comments: list[Comment]) -> set[int]:
    return {c.accepted_answer_id for c in comments if c.accepted_answer_id}


def pinned_official(idea: Idea) -> Comment | None:
    """The latest official answer on an idea, shown at the top of its page."""
    if not idea.comment_count:
        return None
    return (
        Comment.objects.select_related("author")
        .filter(idea=idea, update__isnull=True, official=True, status=CommentStatus.VISIBLE)
        .order_by("-created_at", "-pk")
        .first()
    )


def updates_of(idea: Idea) -> QuerySet[IdeaUpdate]:
    return (
        IdeaUpdate.objects.filter(idea=idea).select_related("author").order_by("-created_at", "-pk")
    )


# --- moderation ----------------------------------------------------------------------------

QUEUE_LIMIT = 100


def moderation_queue(community: Any) -> dict[str, list[Any]]:
    """What waits for a moderator: hidden content, and visible content with open
    flags, oldest first; each item carries its open flags (`open_flags`)."""
    from django.db.models import Exists, OuterRef, Prefetch, Q

    from cocreate.dialogue.models import Flag, Moderation

    open_flags = Prefetch(
        "flags",
        queryset=Flag.objects.filter(resolved_at__isnull=True).select_related("user"),
        to_attr="open_flags",
    )

    def reported(field: str) -> Exists:
        return Exists(Flag.objects.filter(**{field: OuterRef("pk")}, resolved_at__isnull=True))

    comments = (
        Comment.objects.filter(community=community)
        .filter(
            Q(status=CommentStatus.HIDDEN)
            | (Q(reported("comment")) & Q(status=CommentStatus.VISIBLE))
        )
        .select_related("author", "idea", "challenge")
        .prefetch_related(open_flags)
        .distinct()
        .order_by("created_at", "pk")[:QUEUE_LIMIT]
    )
    ideas = (
        Idea.objects.filter(challenge__community=community)
        .filter(
            Q(moderation=Moderation.HIDDEN)
            | (Q(reported("idea")) & Q(moderation=Moderation.VISIBLE))
        )
        .select_related("author", "challenge")
        .prefetch_related(open_flags)
        .distinct()
        .order_by("created_at", "pk")[:QUEUE_LIMIT]
    )
    return {"comments": list(comments), "ideas": list(ideas)}
