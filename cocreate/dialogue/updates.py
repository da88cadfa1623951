"""Every write to idea updates: the progress posts an idea's authors publish for
its followers (each with its own discussion)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.core import events, ratelimit
from cocreate.core.errors import Invalid, RateLimited
from cocreate.core.permissions import moderates, require
from cocreate.core.validation import clean_text
from cocreate.dialogue import mentions
from cocreate.dialogue.models import IdeaUpdate, ModerationAction, ModerationEntry
from cocreate.ideas.models import Idea

TITLE_LENGTH = 140
BODY_LENGTH = 20_000
# Updates reach every follower; a handful a day is news, more is noise.
UPDATES_PER_DAY = 5


def _clean(title: Any, body: Any) -> tuple[str, str]:
    title = " ".join(clean_text(title, "title", max_length=TITLE_LENGTH, required=True).split())
    return title, clean_text(body, "body", max_length=BODY_LENGTH, required=True)


def post_update(actor: Any, idea: Idea, *, title: str, body: str) -> IdeaUpdate:
    require(actor, "update.post", idea)
    title, body = _clean(title, body)
    try:
        ratelimit.hit(f"update:day:{idea.pk}", UPDATES_PER_DAY, 86400, sliding=True)
    except RateLimited as exc:
        raise RateLimited(
            exc.retry_after, _("An idea can have %(n)d updates a day.") % {"n": UPDATES_PER_DAY}
        ) from exc
    html, mentioned = mentions.render(body)
    with transaction.atomic():
        update = IdeaUpdate.objects.create(
            idea=idea, author=actor, title=title, body=body, body_html=str(html)
        )
        events.record(
            "update.posted",
            actor=actor,
            community=idea.challenge.community,
            target=update,
            idea_id=idea.pk,
            challenge_id=idea.challenge_id,
            title=title,
            mentioned=mentioned,
        )
    return update


def edit_update(actor: Any, update: IdeaUpdate, *, title: str, body: str) -> IdeaUpdate:
    require(actor, "update.edit", update)
    title, body = _clean(title, body)
    if (title, body) == (update.title, update.body):
        raise Invalid(fields={"body": _("Nothing changed.")})
    html, mentioned = mentions.render(body)
    mentioned = [pk for pk in mentioned if pk not in mentions.render(update.body)[1]]
    with transaction.atomic():
        IdeaUpdate.objects.filter(pk=update.pk).update(
            title=title, body=body, body_html=str(html), edited_at=timezone.now()
        )
        events.record(
            "update.edited",
            actor=actor,
            community=update.idea.challenge.community,
            target=update,
            idea_id=update.idea_id,
            mentioned=mentioned,
        )
    update.refresh_from_db()
    return update


def delete_update(actor: Any, update: IdeaUpdate, *, reason: str = "") -> None:
    """By its author, or by a moderator (who gives a reason, kept in the audit log)."""
    require(actor, "update.delete", update)
    community = update.idea.challenge.community
    by_moderator = update.author_id != actor.pk
    reason = clean_text(reason, "reason", max_length=1000, required=by_moderator)
    if by_moderator and not moderates(actor, community):  # the rule says so; belt and braces
        raise Invalid(fields={"reason": _("Only moderators remove someone else's update.")})
    with transaction.atomic():
        if by_moderator:
            ModerationEntry.objects.create(
                community=community,
                actor=actor,
                action=ModerationAction.REMOVED,
                idea_id=update.idea_id,
                subject_id=update.author_id,
                reason=_("Update “%(title)s”: %(reason)s")
                % {"title": update.title, "reason": reason},
            )
        events.record(
            "update.deleted",
            actor=actor,
            community=community,
            target=update,
            idea_id=update.idea_id,
            by_moderator=by_moderator,
        )
        update.delete()
