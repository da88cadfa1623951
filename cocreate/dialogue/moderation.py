"""Every write of moderation: flags (and hiding content automatically when enough
members in good standing flag it), moderators' decisions, mutes and bans. Each
decision is appended to the community's audit log (ModerationEntry)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.communities.models import Community, Membership
from cocreate.core import events
from cocreate.core.errors import Conflict, Invalid
from cocreate.core.permissions import is_muted, moderates, require
from cocreate.core.validation import clean_text
from cocreate.dialogue.actions import count_visible
from cocreate.dialogue.models import (
    Comment,
    CommentStatus,
    Flag,
    FlagReason,
    Moderation,
    ModerationAction,
    ModerationEntry,
)
from cocreate.ideas.models import Idea

# "Until lifted": a date no sanction reaches otherwise.
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)


Target = Comment | Idea


def _community(target: Target) -> Community:
    return target.community if isinstance(target, Comment) else target.challenge.community


def _state(target: Target) -> str:
    return target.status if isinstance(target, Comment) else target.moderation


def in_good_standing(user: Any, community: Community) -> bool:
    """Whose flags count toward hiding content: moderators, and members who are not
    muted and have been members for a while (a new account cannot hide content)."""
    if moderates(user, community):
        return True
    if is_muted(user, community):
        return False
    joined = (
        Membership.objects.filter(community=community, user=user)
        .values_list("joined_at", flat=True)
        .first()
    )
    return joined is not None and joined <= timezone.now() - settings.GOOD_STANDING_AFTER


def _set_state(target: Target, state: str) -> None:
    """Change the content's moderation state, keeping the idea's comment count to
    visible comments."""
    model = Comment if isinstance(target, Comment) else Idea
    field = "status" if isinstance(target, Comment) else "moderation"
    was_visible = _state(target) == Moderation.VISIBLE
    model.objects.filter(pk=target.pk).update(**{field: state})
    if isinstance(target, Comment):
        now_visible = state == Moderation.VISIBLE
        if was_visible != now_visible:
            count_visible(target, 1 if now_visible else -1)
    setattr(target, field, state)


def _log(
    community: Community,
    action: str,
    *,
    actor: Any = None,
    target: Target | None = None,
    subject: Any = None,
    reason: str = "",
    until: datetime | None = None,
) -> ModerationEntry:
    return ModerationEntry.objects.create(
        community=community,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        comment=target if isinstance(target, Comment) else None,
        idea=target if isinstance(target, Idea) else None,
        subject=subject if subject is not None else getattr(target, "author", None),
        reason=reason,
        until=until,
    )


def _kind(target: Target) -> str:
    return "comment" if isinstance(target, Comment) else "idea"


def flag(actor: Any, target: Target, *, reason: str, note: str = "") -> Flag:
    require(actor, "content.flag", target)
    if reason not in FlagReason.values:
        raise Invalid(fields={"reason": _("Choose a reason.")})
    note = clean_text(note, "note", max_length=1000)
    community = _community(target)
    counts = in_good_standing(actor, community)
    model = Comment if isinstance(target, Comment) else Idea
    try:
        with transaction.atomic():
            # The row lock orders concurrent flags: the threshold is crossed once.
            locked = model.objects.select_for_update().get(pk=target.pk)
            row = Flag.objects.create(
                community=community,
                comment=target if isinstance(target, Comment) else None,
                idea=target if isinstance(target, Idea) else None,
                user=actor,
                reason=reason,
                note=note,
                counts=counts,
            )
            events.record(
                "content.flagged",
                actor=actor,
                community=community,
                target=target,
                reason=reason,
                counts=counts,
            )
            if counts:
                model.objects.filter(pk=target.pk).update(flag_count=F("flag_count") + 1)
                locked.refresh_from_db(fields=["flag_count"])
                if (
                    locked.flag_count >= community.flag_threshold
                    and _state(locked) == Moderation.VISIBLE
                ):
                    _set_state(locked, Moderation.HIDDEN)
                    _log(community, ModerationAction.AUTO_HIDDEN, target=locked)
                    events.record(
                        "content.hidden",
                        community=community,
                        target=target,
                        content=_kind(target),
                        flags=locked.flag_count,
                    )
    except IntegrityError as exc:
        raise Conflict(_("You have already flagged this.")) from exc
    target.refresh_from_db()
    return row


DECISIONS = {"restore": Moderation.VISIBLE, "remove": Moderation.REMOVED}


def decide(actor: Any, target: Target, *, decision: str, reason: str) -> Target:
    """A moderator restores flagged or hidden content, or removes it. The reason is
    required for a removal and is told to the author."""
    community = _community(target)
    require(actor, "content.moderate", community)
    if decision not in DECISIONS:
        raise Invalid(fields={"decision": _("Choose restore or remove.")})
    reason = clean_text(reason, "reason", max_length=2000, required=decision == "remove")
    model = Comment if isinstance(target, Comment) else Idea
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=target.pk)
        if isinstance(locked, Comment) and locked.status == CommentStatus.DELETED:
            raise Conflict(_("Its author deleted it."))
        state = DECISIONS[decision]
        was = _state(locked)
        if (
            _state(locked) == state
            and not Flag.objects.filter(
                **{_kind(target): target}, resolved_at__isnull=True
            ).exists()
        ):
            raise Conflict(_("Nothing to decide: it is already in that state."))
        _set_state(locked, state)
        Flag.objects.filter(**{_kind(target): target}, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        # A restored item starts over: old flags no longer push it toward hiding.
        model.objects.filter(pk=target.pk).update(flag_count=0)
        action = ModerationAction.RESTORED if decision == "restore" else ModerationAction.REMOVED
        _log(community, action, actor=actor, target=locked, reason=reason)
        events.record(
            "content.restored" if decision == "restore" else "content.removed",
            actor=actor,
            community=community,
            target=target,
            content=_kind(target),
            reason=reason,
            was=was,
        )
    target.refresh_from_db()
    return target


SANCTIONS = {"mute": "muted_until", "ban": "banned_until"}


def sanction(
    actor: Any, membership: Membership, *, kind: str, days: int | None, reason: str
) -> Membership:
    """Mute (no writing) or ban (no taking part) a member, for `days` or until lifted."""
    require(actor, "member.sanction", membership)
    if kind not in SANCTIONS:
        raise Invalid(fields={"kind": _("Choose mute or ban.")})
    if days is not None and not 1 <= days <= 3650:
        raise Invalid(fields={"days": _("Between 1 and 3650 days, or until lifted.")})
    reason = clean_text(reason, "reason", max_length=2000, required=True)
    until = timezone.now() + timedelta(days=days) if days else FOREVER
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(**{SANCTIONS[kind]: until})
        action = ModerationAction.MUTED if kind == "mute" else ModerationAction.BANNED
        _log(
            membership.community,
            action,
            actor=actor,
            subject=membership.user,
            reason=reason,
            until=until,
        )
        events.record(
            f"member.{action}",
            actor=actor,
            community=membership.community,
            target=membership,
            user_id=membership.user_id,
            until=until.isoformat(),
            reason=reason,
        )
    membership.refresh_from_db()
    return membership


def lift(actor: Any, membership: Membership, *, kind: str, reason: str = "") -> Membership:
    require(actor, "member.sanction", membership)
    if kind not in SANCTIONS:
        raise Invalid(fields={"kind": _("Choose mute or ban.")})
    reason = clean_text(reason, "reason", max_length=2000)
    with transaction.atomic():
        updated = Membership.objects.filter(
            pk=membership.pk, **{f"{SANCTIONS[kind]}__gt": timezone.now()}
        ).update(**{SANCTIONS[kind]: None})
        if not updated:
            raise Conflict(_("There is nothing to lift."))
        action = ModerationAction.UNMUTED if kind == "mute" else ModerationAction.UNBANNED
        _log(membership.community, action, actor=actor, subject=membership.user, reason=reason)
        events.record(
            f"member.{action}",
            actor=actor,
            community=membership.community,
            target=membership,
            user_id=membership.user_id,
        )
    membership.refresh_from_db()
    return membership
