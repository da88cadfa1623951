"""What a webhook delivery says: the event and a snapshot of what it is about, as
public JSON (ids, titles, text, absolute links). Hidden or removed content is
never sent: such an event produces no delivery."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse

from cocreate.challenges.models import Challenge
from cocreate.core.models import Event
from cocreate.dialogue.models import Comment, IdeaUpdate
from cocreate.ideas.models import Idea

VERSION = 1


def _url(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


def person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "display_name": user.display_name, "handle": user.handle}


def _challenge(challenge: Challenge) -> dict[str, Any]:
    return {
        "id": challenge.pk,
        "title": challenge.title,
        "url": _url("challenges:detail", challenge.pk),
    }


def _idea(idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.pk,
        "title": idea.title,
        "body": idea.body,
        "stage": idea.stage,
        "support_count": idea.support_count,
        "comment_count": idea.comment_count,
        "tags": idea.tags,
        "author": person(idea.author),
        "url": _url("ideas:detail", idea.pk),
        "challenge": _challenge(idea.challenge),
    }


def about(event: Event) -> dict[str, Any] | None:
    """The event's subject, or None when it is gone or not visible to everyone
    who can see the community (then nothing is sent)."""
    pk = event.target_id or 0
    if event.kind.startswith("idea."):
        idea = Idea.objects.select_related("challenge", "author").filter(pk=pk).first()
        if idea is None or idea.moderation != "visible":
            return None
        data = {"idea": _idea(idea)}
        if event.kind == "idea.stage_changed":
            data["change"] = {k: event.data.get(k) for k in ("old", "new", "reason", "automatic")}
        elif event.kind == "idea.milestone_reached":
            data["milestone"] = {k: event.data.get(k) for k in ("threshold", "level", "complete")}
        return data
    if event.kind == "comment.posted":
        comment = (
            Comment.objects.select_related("author", "challenge", "idea__challenge", "idea__author")
            .filter(pk=pk)
            .first()
        )
        if comment is None or not comment.visible:
            return None
        if comment.idea is not None and comment.idea.moderation != "visible":
            return None
        return {
            "comment": {
                "id": comment.pk,
                "body": comment.body,
                "official": comment.official,
                "parent": comment.parent_id,
                "update": comment.update_id,
                "author": person(comment.author),
                "url": _url("dialogue:permalink", comment.pk),
            },
            "idea": _idea(comment.idea) if comment.idea else None,
            "challenge": _challenge(comment.challenge),
        }
    if event.kind == "update.posted":
        update = (
            IdeaUpdate.objects.select_related("author", "idea__challenge", "idea__author")
            .filter(pk=pk)
            .first()
        )
        if update is None or update.idea.moderation != "visible":
            return None
        return {
            "update": {
                "id": update.pk,
                "title": update.title,
                "body": update.body,
                "author": person(update.author),
                "url": _url("dialogue:update", update.pk),
            },
            "idea": _idea(update.idea),
        }
    if event.kind == "challenge.published":
        challenge = Challenge.objects.filter(pk=pk).first()
        return {"challenge": _challenge(challenge)} if challenge is not None else None
    return None


def envelope(kind: str, delivery_id: str, community: Any, occurred_at: Any, **data: Any) -> str:
    """The JSON body, serialised once: retries send these very bytes."""
    return json.dumps(
        {
            "version": VERSION,
            "delivery": delivery_id,
            "event": kind,
            "occurred_at": occurred_at.isoformat(),
            "community": {"slug": community.slug, "name": community.name},
            **data,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
