"""Reads of notifications shared by the pages, the API and the emails."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from cocreate.ideas.models import Stage
from cocreate.notifications.models import Kind, Notification

# Content hidden or removed by moderators (or deleted) appears in no feed or digest:
# filtered in the query, so counts agree with what is listed.
VISIBLE = (Q(comment__isnull=True) | Q(comment__status="visible")) & (
    Q(idea__isnull=True) | Q(idea__moderation="visible")
)


def for_user(user: Any) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user)
        .filter(VISIBLE)
        .select_related(
            "actor", "idea__challenge__community", "challenge__community", "comment", "update"
        )
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).filter(VISIBLE).count()


def shown(notification: Notification, user: Any = None) -> bool:
    """Whether the member may (still) see what it is about: visible content, in a
    place they can still see (someone who left a private community is told nothing
    more of it)."""
    from cocreate.core.permissions import can

    user = user if user is not None else notification.user
    if notification.comment is not None and not notification.comment.visible:
        return False
    if notification.idea is not None:
        return can(user, "idea.view", notification.idea)
    if notification.challenge is not None:
        return can(user, "challenge.view", notification.challenge)
    return True


def describe(n: Notification) -> dict[str, str]:
    """The line a notification reads as, its link and an excerpt (in the active
    language)."""
    actor = n.actor.display_name if n.actor is not None else _("Someone")
    idea = n.idea.title if n.idea is not None else ""
    challenge = n.challenge.title if n.challenge is not None else ""
    title = idea or challenge
    url = ""
    if n.comment_id:
        url = reverse("dialogue:permalink", args=[n.comment_id])
    elif n.update_id:
        url = reverse("dialogue:update", args=[n.update_id])
    elif n.idea_id:
        url = reverse("ideas:detail", args=[n.idea_id])
    elif n.challenge_id:
        url = reverse("challenges:detail", args=[n.challenge_id])
    excerpt = ""
    if n.comment is not None and n.comment.visible:
        excerpt = n.comment.body[:280]
    elif n.update is not None:
        excerpt = n.update.body[:280]
    values = {"actor": actor, "title": title, "challenge": challenge}
    if n.kind == Kind.IDEA_SUBMITTED:
        text = _("%(actor)s submitted “%(title)s” to %(challenge)s") % values
    elif n.kind == Kind.IDEA_CHANGED:
        text = _("“%(title)s” changed materially") % values
    elif n.kind == Kind.STAGE_CHANGED:
        new = str(n.data.get("new", ""))
        stage = str(Stage(new).label) if new in Stage.values else new
        text = _("“%(title)s” moved to %(stage)s") % {**values, "stage": stage}
        excerpt = str(n.data.get("reason", ""))[:280]
    elif n.kind == Kind.MILESTONE:
        text = _("“%(title)s” reached %(n)s supporters") % {
            **values,
            "n": n.data.get("threshold", ""),
        }
    elif n.kind == Kind.REPLY:
        text = _("%(actor)s replied to your comment on “%(title)s”") % values
    elif n.kind == Kind.OFFICIAL_ANSWER:
        text = _("%(actor)s answered officially on “%(title)s”") % values
    elif n.kind == Kind.MENTION:
        if n.comment_id:
            text = _("%(actor)s mentioned you in a comment on “%(title)s”") % values
        else:
            text = _("%(actor)s mentioned you in an update on “%(title)s”") % values
    elif n.kind == Kind.IDEA_UPDATE:
        update_title = n.update.title if n.update is not None else ""
        text = _("%(actor)s posted an update on “%(title)s”: %(update)s") % {
            **values,
            "update": update_title,
        }
    elif n.kind == Kind.COMMENT:
        text = _("%(actor)s commented on “%(title)s”") % values
    else:
        text = _("New challenge: “%(challenge)s”") % values
    return {"text": text, "url": url, "excerpt": excerpt}


def is_following(user: Any, **target: Any) -> bool:
    from cocreate.notifications.models import Follow

    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, **target).exists()
