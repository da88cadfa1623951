"""The notification consumer: turns events into notifications for the people who
follow what happened (and the authors replied to), follows people automatically on
what they create, support or comment on, and sends the per-notification emails.
Idempotent: notifications are unique per member and event."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.challenges.models import Challenge
from cocreate.core.consumers import consumer
from cocreate.core.models import Event
from cocreate.core.permissions import can
from cocreate.dialogue.models import Comment, IdeaUpdate
from cocreate.ideas.models import Idea
from cocreate.notifications import actions, emails
from cocreate.notifications.models import EmailMode, Follow, Kind, Notification, Preference


def _followers(**targets: Any) -> set[int]:
    query = Q()
    for name, obj in targets.items():
        if obj is not None:
            query |= Q(**{name: obj})
    if not query:
        return set()
    return set(Follow.objects.filter(query).values_list("user_id", flat=True))


def _deliver(
    event: Event,
    kind: str,
    user_ids: Iterable[int],
    *,
    can_see: Callable[[User], bool],
    **about: Any,
) -> None:
    ids = set(user_ids) - {event.actor_id}
    if not ids:
        return
    muted = {
        pref.user_id
        for pref in Preference.objects.filter(user_id__in=ids)
        if kind in (pref.muted_kinds or [])
    }
    people = [
        user for user in User.objects.filter(pk__in=ids - muted, is_active=True) if can_see(user)
    ]
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                event=event,
                kind=kind,
                actor_id=event.actor_id,
                community_id=event.community_id,
                data=event.data,
                created_at=event.created_at,
                **about,
            )
            for user in people
        ],
        ignore_conflicts=True,
    )
    each = set(
        Preference.objects.filter(user__in=people, email_mode=EmailMode.EACH).values_list(
            "user_id", flat=True
        )
    )
    if not each:
        return
    for pk in Notification.objects.filter(
        event=event, user_id__in=each, emailed_at__isnull=True
    ).values_list("pk", flat=True):
        # One transaction per email, the row locked while it is sent and then marked:
        # a failed send is retried with the event, a sent one is never sent again.
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("user", "actor", "idea", "challenge", "comment", "update")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notification is not None:
                emails.send_one(notification)
                Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())


def _idea(event: Event) -> Idea | None:
    return (
        Idea.objects.select_related("challenge__community", "author")
        .filter(pk=event.target_id or 0)
        .first()
    )


def on_idea_submitted(event: Event) -> None:
    idea = _idea(event)
    if idea is None:
        return
    if idea.author is not None:
        actions.follow_quietly(idea.author, idea=idea)
    _deliver(
        event,
        Kind.IDEA_SUBMITTED,
        _followers(
            challenge=idea.challenge, community=idea.challenge.community, person=idea.author
        ),
        can_see=lambda user: can(user, "idea.view", idea),
        idea=idea,
        challenge=idea.challenge,
    )


def on_idea_event(kind: str) -> Callable[[Event], None]:
    def handle(event: Event) -> None:
        idea = _idea(event)
        if idea is None:
            return
        if event.kind == "idea.edited" and not event.data.get("material"):
            return
        _deliver(
            event,
            kind,
            _followers(idea=idea),
            can_see=lambda user: can(user, "idea.view", idea),
            idea=idea,
            challenge=idea.challenge,
        )

    return handle


def on_supported(event: Event) -> None:
    idea = _idea(event)
    if idea is not None and event.actor is not None:
        actions.follow_quietly(event.actor, idea=idea)


def _mentioned(event: Event) -> set[int]:
    return {int(pk) for pk in event.data.get("mentioned") or []}


def on_comment(event: Event) -> None:
    comment = (
        Comment.objects.select_related("challenge__community", "idea", "update", "parent", "author")
        .filter(pk=event.target_id or 0)
        .first()
    )
    if comment is None or not comment.visible:
        return
    target: Idea | Challenge = comment.idea if comment.idea is not None else comment.challenge
    if comment.idea is not None:
        comment.idea.challenge = comment.challenge
    if comment.author is not None:
        if isinstance(target, Idea):
            actions.follow_quietly(comment.author, idea=target)
        else:
            actions.follow_quietly(comment.author, challenge=target)

    def can_see(user: User) -> bool:
        return can(user, "comment.view", target) and (
            not isinstance(target, Idea) or can(user, "idea.view", target)
        )

    about = {
        "comment": comment,
        "idea": comment.idea,
        "update": comment.update,
        "challenge": comment.challenge,
    }
    # Each person hears of an event once, by its most personal reason: being
    # mentioned, then being replied to, then following.
    mentioned = _mentioned(event)
    _deliver(event, Kind.MENTION, mentioned, can_see=can_see, **about)
    if event.kind != "comment.posted":
        return  # an edit notifies only the people it newly mentions
    replied_to = comment.parent.author_id if comment.parent is not None else None
    if replied_to and replied_to not in mentioned:
        _deliver(event, Kind.REPLY, {replied_to}, can_see=can_see, **about)
    followers = (
        _followers(idea=target) if isinstance(target, Idea) else _followers(challenge=target)
    )
    followers -= mentioned | {replied_to or 0}
    kind = Kind.OFFICIAL_ANSWER if comment.official else Kind.COMMENT
    _deliver(event, kind, followers, can_see=can_see, **about)


def on_update(event: Event) -> None:
    update = (
        IdeaUpdate.objects.select_related("idea__challenge__community", "author")
        .filter(pk=event.target_id or 0)
        .first()
    )
    if update is None:
        return
    idea = update.idea
    about = {"idea": idea, "update": update, "challenge": idea.challenge}

    def can_see(user: User) -> bool:
        return can(user, "idea.view", idea)

    mentioned = _mentioned(event)
    _deliver(event, Kind.MENTION, mentioned, can_see=can_see, **about)
    if event.kind == "update.posted":
        _deliver(
            event, Kind.IDEA_UPDATE, _followers(idea=idea) - mentioned, can_see=can_see, **about
        )


def on_challenge_published(event: Event) -> None:
    challenge = (
        Challenge.objects.select_related("community").filter(pk=event.target_id or 0).first()
    )
    if challenge is None:
        return
    _deliver(
        event,
        Kind.CHALLENGE_PUBLISHED,
        _followers(community=challenge.community),
        can_see=lambda user: can(user, "challenge.view", challenge),
        challenge=challenge,
    )


HANDLERS: dict[str, Callable[[Event], None]] = {
    "idea.submitted": on_idea_submitted,
    "idea.edited": on_idea_event(Kind.IDEA_CHANGED),
    "idea.stage_changed": on_idea_event(Kind.STAGE_CHANGED),
    "idea.milestone_reached": on_idea_event(Kind.MILESTONE),
    "idea.supported": on_supported,
    "comment.posted": on_comment,
    "comment.edited": on_comment,
    "update.posted": on_update,
    "update.edited": on_update,
    "challenge.published": on_challenge_published,
}


@consumer("notifications", kinds=list(HANDLERS))
def notify(event: Event) -> None:
    HANDLERS[event.kind](event)
