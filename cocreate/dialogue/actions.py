"""Every write to the dialogue: posting (top-level, replies, official answers),
editing with history, deleting, reactions and accepted answers."""

from __future__ import annotations

import math
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.challenges.models import Challenge
from cocreate.communities.models import Membership
from cocreate.core import events, ratelimit
from cocreate.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from cocreate.core.permissions import can, moderates, require
from cocreate.core.validation import clean_text
from cocreate.dialogue import mentions
from cocreate.dialogue.models import (
    Comment,
    CommentStatus,
    CommentVersion,
    IdeaUpdate,
    Reaction,
    ReactionKind,
)
from cocreate.ideas.models import CLOSED_STAGES, Idea

MAX_LENGTH = 10_000


def count_visible(comment: Comment, delta: int) -> None:
    """Keep the comment count of the discussion the comment is in (an update's or
    an idea's own; a challenge's is counted when shown) equal to its visible comments."""
    if comment.update_id:
        IdeaUpdate.objects.filter(pk=comment.update_id).update(
            comment_count=F("comment_count") + delta
        )
    elif comment.idea_id:
        Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") + delta)


LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def _limit_posting(actor: Any, community: Any, body: str) -> None:
    """Everyone: COMMENTS_PER_HOUR. New members (joined within NEW_MEMBER_PERIOD):
    a few comments a day, a pause between posts, few links - the usual spam and
    flame-war brakes. Moderators are exempt. Checked before anything is written."""
    if moderates(actor, community):
        return
    joined = (
        Membership.objects.filter(community=community, user=actor)
        .values_list("joined_at", flat=True)
        .first()
    )
    new = joined is not None and joined > timezone.now() - settings.NEW_MEMBER_PERIOD
    if new and len(LINK.findall(body)) > settings.NEW_MEMBER_MAX_LINKS:
        raise Invalid(
            fields={
                "body": _("New members can post at most %(n)d links in a comment.")
                % {"n": settings.NEW_MEMBER_MAX_LINKS}
            }
        )
    if new:
        # The pause is measured from the last comment itself, so waiting as long as
        # Retry-After says is always enough (a refused attempt does not count).
        gap = settings.NEW_MEMBER_SECONDS_BETWEEN_POSTS
        last = (
            Comment.objects.filter(author=actor)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        waited = (timezone.now() - last).total_seconds() if last else gap
        if waited < gap:
            raise RateLimited(
                math.ceil(gap - waited),
                _("New members wait %(s)d seconds between comments.") % {"s": gap},
            )
    limits = [(f"comment:hour:{actor.pk}", settings.COMMENTS_PER_HOUR, 3600)]
    if new:
        limits.insert(0, (f"comment:day:{actor.pk}", settings.NEW_MEMBER_COMMENTS_PER_DAY, 86400))
    for key, limit, seconds in limits:
        try:
            ratelimit.hit(key, limit, seconds, sliding=True)
        except RateLimited as exc:
            if ":day:" in key:
                message = _("New members can post %(n)d comments a day.") % {"n": limit}
            else:
                message = _("You are commenting very fast; please wait a little.")
            raise RateLimited(exc.retry_after, message) from exc


def post_comment(
    actor: Any,
    target: Idea | Challenge | IdeaUpdate,
    *,
    body: str,
    parent: Comment | None = None,
    official: bool = False,
) -> Comment:
    """A comment on an idea, a challenge or an idea's update; `parent` makes it a
    reply in that thread. `official` marks an answer given on the organisation's
    behalf. @mentions are linked and recorded in the event for notifications."""
    require(actor, "comment.post", target)
    if official and not can(actor, "comment.post_official", target):
        raise Forbidden(_("Only staff and employees can give official answers."))
    body = clean_text(body, "body", max_length=MAX_LENGTH, required=True)
    update = target if isinstance(target, IdeaUpdate) else None
    idea = update.idea if update else target if isinstance(target, Idea) else None
    challenge = idea.challenge if idea else target
    assert isinstance(challenge, Challenge)
    _limit_posting(actor, challenge.community, body)
    if parent is not None and (
        parent.challenge_id != challenge.pk
        or parent.idea_id != (idea.pk if idea else None)
        or parent.update_id != (update.pk if update else None)
        or parent.status != CommentStatus.VISIBLE
    ):
        raise Invalid(fields={"parent": _("Reply to a comment in this discussion.")})
    html, mentioned = mentions.render(body)
    comment = Comment(
        community=challenge.community,
        challenge=challenge,
        idea=idea,
        update=update,
        parent=parent,
        root=(parent.root or parent) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author=actor,
        body=body,
        body_html=str(html),
        official=official,
    )
    with transaction.atomic():
        # The parent's row lock orders this reply against the parent's deletion.
        if parent is not None and not (
            Comment.objects.select_for_update()
            .filter(pk=parent.pk, status=CommentStatus.VISIBLE)
            .exists()
        ):
            raise Invalid(fields={"parent": _("That comment was deleted.")})
        # Re-read under a lock: the idea may have expired or been merged meanwhile.
        if idea is not None and (
            Idea.objects.select_for_update().values_list("stage", flat=True).get(pk=idea.pk)
            in CLOSED_STAGES
        ):
            raise Conflict(_("The discussion of this idea is closed."))
        if update is not None and not IdeaUpdate.objects.filter(pk=update.pk).exists():
            raise NotFound(_("This update was deleted."))
        comment.save()
        CommentVersion.objects.create(comment=comment, number=1, body=body, editor=actor)
        if parent is not None:
            Comment.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
        count_visible(comment, +1)
        events.record(
            "comment.posted",
            actor=actor,
            community=challenge.community,
            target=comment,
            idea_id=comment.idea_id,
            update_id=comment.update_id,
            challenge_id=challenge.pk,
            parent_id=comment.parent_id,
            official=official,
            mentioned=mentioned,
        )
    if update is not None:
        update.refresh_from_db(fields=["comment_count"])
    elif idea is not None:
        idea.refresh_from_db(fields=["comment_count"])
    return comment


def edit_comment(actor: Any, comment: Comment, *, body: str) -> Comment:
    require(actor, "comment.edit", comment)
    body = clean_text(body, "body", max_length=MAX_LENGTH, required=True)
    if body == comment.body:
        raise Invalid(fields={"body": _("Nothing changed.")})
    now = timezone.now()
    html, mentioned = mentions.render(body)
    # Only people the edit newly names hear about it.
    mentioned = [pk for pk in mentioned if pk not in mentions.render(comment.body)[1]]
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != CommentStatus.VISIBLE:
            raise Conflict(_("This comment was deleted."))
        number = locked.version_count + 1
        CommentVersion.objects.create(comment=comment, number=number, body=body, editor=actor)
        Comment.objects.filter(pk=comment.pk).update(
            body=body, body_html=str(html), version_count=number, edited_at=now
        )
        events.record(
            "comment.edited",
            actor=actor,
            community=comment.community,
            target=comment,
            version=number,
            mentioned=mentioned,
        )
    comment.refresh_from_db()
    return comment


def delete_comment(actor: Any, comment: Comment) -> bool:
    """Removes the comment, or, when it has replies, leaves a placeholder with the
    text and history erased. Returns whether a placeholder stays."""
    require(actor, "comment.delete", comment)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != CommentStatus.VISIBLE:
            raise Conflict(_("This comment was already deleted."))
        placeholder = locked.reply_count > 0
        if placeholder:
            Comment.objects.filter(pk=comment.pk).update(
                status=CommentStatus.DELETED, body="", body_html="", official=False
            )
            CommentVersion.objects.filter(comment=comment).delete()
            Reaction.objects.filter(comment=comment).delete()
        else:
            Comment.objects.filter(pk=comment.pk).delete()
            if locked.parent_id:
                Comment.objects.filter(pk=locked.parent_id).update(reply_count=F("reply_count") - 1)
        count_visible(locked, -1)
        events.record(
            "comment.deleted",
            actor=actor,
            community=comment.community,
            target=comment,
            idea_id=comment.idea_id,
            placeholder=placeholder,
        )
    return placeholder


def _kind(kind: Any) -> str:
    if kind not in ReactionKind.values:
        raise Invalid(
            fields={
                "kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ReactionKind.values)}
            }
        )
    return str(kind)


def react(actor: Any, comment: Comment, kind: str) -> Reaction:
    require(actor, "comment.react", comment)
    kind = _kind(kind)
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(comment=comment, user=actor, kind=kind)
            events.record(
                "comment.reacted",
                actor=actor,
                community=comment.community,
                target=comment,
                reaction=kind,
            )
    except IntegrityError as exc:
        raise Conflict(_("You already reacted this way.")) from exc
    return reaction


def unreact(actor: Any, comment: Comment, kind: str) -> None:
    require(actor, "comment.react", comment)
    kind = _kind(kind)
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(comment=comment, user=actor, kind=kind).delete()
        if not deleted:
            raise NotFound(_("You have not reacted this way."))
        events.record(
            "comment.unreacted",
            actor=actor,
            community=comment.community,
            target=comment,
            reaction=kind,
        )


def toggle_reaction(actor: Any, comment: Comment, kind: str) -> bool:
    """For the page's reaction buttons. Returns whether the reaction is now on."""
    try:
        react(actor, comment, kind)
    except Conflict:
        unreact(actor, comment, kind)
        return False
    return True


def accept_answer(actor: Any, comment: Comment, *, accept: bool = True) -> Comment:
    """The asker marks (or unmarks) a reply as the answer to their question."""
    require(actor, "comment.accept", comment)
    root = comment.root
    assert root is not None  # the rule requires a reply
    with transaction.atomic():
        if accept:
            Comment.objects.filter(pk=root.pk).update(accepted_answer=comment)
        else:
            updated = Comment.objects.filter(pk=root.pk, accepted_answer=comment).update(
                accepted_answer=None
            )
            if not updated:
                raise Conflict(_("This reply is not the accepted answer."))
        events.record(
            "comment.answer_accepted" if accept else "comment.answer_unaccepted",
            actor=actor,
            community=comment.community,
            target=comment,
            question_id=root.pk,
        )
    root.refresh_from_db(fields=["accepted_answer"])
    return root
