"""Every write to challenges: briefs, phases, terms versions, jury, prizes, review
windows, publishing, and each community's idea box."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cocreate.accounts.models import User
from cocreate.challenges.models import (
    PHASE_ORDER,
    Challenge,
    ChallengeStatus,
    ChallengeType,
    IpOwner,
    JuryMember,
    Phase,
    Prize,
    ReviewWindow,
    TermsVersion,
)
from cocreate.communities.models import Community, Membership
from cocreate.core import events
from cocreate.core.errors import Conflict, Invalid
from cocreate.core.images import clean_image
from cocreate.core.permissions import manages, require
from cocreate.core.validation import clean_text
from cocreate.core.versions import create_next_version


def _when(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None:
        raise Invalid(fields={field: _("Enter a date and time like 2027-03-01T12:00.")})
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # Stored in UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows.
        return moment.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise Invalid(fields={field: _("Enter a date and time like 2027-03-01T12:00.")}) from exc


# A challenge's public owner speaks for the organisation.
OWNER_ROLES = ("owner", "staff", "employee")


def _staff_member(
    community: Community, user_id: Any, field: str, roles: tuple[str, ...] | None = None
) -> User:
    """Owners and jurors are named people of the community (owners: its staff)."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError) as exc:
        raise Invalid(fields={field: _("Choose a member of the community.")}) from exc
    membership = (
        Membership.objects.select_related("user").filter(community=community, user_id=pk).first()
    )
    if membership is None:
        raise Invalid(fields={field: _("Choose a member of the community.")})
    if roles is not None and membership.role not in roles:
        raise Invalid(fields={field: _("Choose one of the community's staff.")})
    return membership.user


CHALLENGE_FIELDS = {
    "title": lambda v: clean_text(v, "title", max_length=160, required=True),
    "brief": lambda v: clean_text(v, "brief", max_length=50_000),
    "what_we_need": lambda v: clean_text(v, "what_we_need", max_length=20_000),
    "success_criteria": lambda v: clean_text(v, "success_criteria", max_length=20_000),
}


def _questions(value: Any) -> list[str]:
    cleaned = [str(q).strip() for q in (value or []) if str(q).strip()]
    if len(cleaned) > 5 or any(len(q) > 200 for q in cleaned):
        raise Invalid(fields={"supporter_questions": _("At most 5 questions of 200 characters.")})
    return cleaned


def _apply_fields(challenge: Challenge, changes: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in changes.items():
        if field in CHALLENGE_FIELDS:
            setattr(challenge, field, CHALLENGE_FIELDS[field](value))
        elif field == "type":
            if value not in ChallengeType.values:
                raise Invalid(fields={"type": _("Choose a challenge type.")})
            challenge.type = value
        elif field == "owner_id":
            challenge.owner = (
                _staff_member(challenge.community, value, "owner_id", roles=OWNER_ROLES)
                if value
                else None
            )
        elif field == "uses_ladder":
            challenge.uses_ladder = bool(value)
        elif field == "supporter_questions":
            challenge.supporter_questions = _questions(value)
        elif field == "response_days":
            if value in (None, ""):
                challenge.response_days = None
            else:
                try:
                    days = int(value)
                except (TypeError, ValueError) as exc:
                    raise Invalid(fields={"response_days": _("Enter a whole number.")}) from exc
                if not 1 <= days <= 365:
                    raise Invalid(fields={"response_days": _("Between 1 and 365 days.")})
                challenge.response_days = days
        else:
            raise Invalid(fields={field: _("This field cannot be changed.")})
        changed.append(field.removesuffix("_id"))
    return changed


def create_challenge(actor: Any, community: Community, **fields: Any) -> Challenge:
    require(actor, "challenge.create", community)
    cover = fields.pop("cover", None)
    challenge = Challenge(community=community, created_by=actor, title="")
    _apply_fields(challenge, {"title": fields.pop("title", ""), **fields})
    if challenge.owner is None and manages(actor, community):
        challenge.owner = actor
    cover_file = clean_image(cover, field="cover", max_side=1600) if cover else None
    with transaction.atomic():
        if cover_file is not None:
            challenge.cover.save(cover_file.name or "cover.png", cover_file, save=False)
        challenge.save()
        events.record("challenge.created", actor=actor, community=community, target=challenge)
    return challenge


def update_challenge(actor: Any, challenge: Challenge, **fields: Any) -> Challenge:
    require(actor, "challenge.edit", challenge)
    cover = fields.pop("cover", None)
    changed = _apply_fields(challenge, fields)
    cover_file = clean_image(cover, field="cover", max_side=1600) if cover else None
    with transaction.atomic():
        if cover_file is not None:
            challenge.cover.save(cover_file.name or "cover.png", cover_file, save=False)
            changed.append("cover")
        if changed:
            challenge.save()
            events.record(
                "challenge.updated",
                actor=actor,
                community=challenge.community,
                target=challenge,
                fields=changed,
            )
    return challenge


def set_phases(actor: Any, challenge: Challenge, phases: list[dict[str, Any]]) -> list[Phase]:
    """Replace the challenge's phases. Each is {kind, starts_at, ends_at}; they
    follow the fixed order submission → support → review → decision → delivery
    without overlapping."""
    require(actor, "challenge.edit", challenge)
    if challenge.is_idea_box:
        raise Invalid(fields={"phases": _("The idea box is always open; it has no phases.")})
    rows: list[Phase] = []
    seen: set[str] = set()
    for index, raw in enumerate(phases or []):
        kind = str(raw.get("kind", ""))
        if kind not in PHASE_ORDER or kind in seen:
            raise Invalid(fields={f"phases.{index}.kind": _("Use each phase kind at most once.")})
        seen.add(kind)
        starts = _when(raw.get("starts_at"), f"phases.{index}.starts_at")
        ends = _when(raw.get("ends_at"), f"phases.{index}.ends_at")
        if starts is None:
            raise Invalid(fields={f"phases.{index}.starts_at": _("Every phase needs a start.")})
        if ends is not None and ends <= starts:
            raise Invalid(
                fields={f"phases.{index}.ends_at": _("A phase must end after it starts.")}
            )
        rows.append(Phase(challenge=challenge, kind=kind, starts_at=starts, ends_at=ends))
    rows.sort(key=lambda p: PHASE_ORDER.index(p.kind))
    for earlier, later in itertools.pairwise(rows):
        if (
            earlier.ends_at is None
            or later.starts_at < earlier.ends_at
            or (later.starts_at < earlier.starts_at)
        ):
            raise Invalid(
                fields={
                    "phases": _(
                        "Phases follow each other in order (submission, support, review, decision, "
                        "delivery) without overlapping; only the last may be open-ended."
                    )
                }
            )
    with transaction.atomic():
        challenge.phases.all().delete()
        Phase.objects.bulk_create(rows)
        challenge.__dict__.pop("_phase_list", None)
        events.record(
            "challenge.phases_set",
            actor=actor,
            community=challenge.community,
            target=challenge,
            phases=[p.kind for p in rows],
        )
    return rows


def publish_terms(
    actor: Any,
    challenge: Challenge,
    *,
    usage: str,
    ip_owner: str = "contributor",
    minimum_age: Any = 16,
    text: str = "",
    non_confidential: bool = True,
) -> TermsVersion:
    """Terms are never edited: a change is the next version, and ideas keep the one
    they accepted."""
    require(actor, "challenge.edit", challenge)
    if ip_owner not in IpOwner.values:
        raise Invalid(fields={"ip_owner": _("Choose who keeps the IP.")})
    try:
        age = int(minimum_age)
    except (TypeError, ValueError) as exc:
        raise Invalid(fields={"minimum_age": _("Enter a whole number.")}) from exc
    if not 0 <= age <= 99:
        raise Invalid(fields={"minimum_age": _("Between 0 and 99.")})
    usage = clean_text(usage, "usage", max_length=5000, required=True)
    text = clean_text(text, "text", max_length=50_000)
    with transaction.atomic():
        terms: TermsVersion = create_next_version(
            challenge.terms_versions.all(),
            busy=_("The terms are being edited by someone else; try again."),
            challenge=challenge,
            usage=usage,
            ip_owner=ip_owner,
            minimum_age=age,
            text=text,
            non_confidential=bool(non_confidential),
            author=actor,
        )
        events.record(
            "challenge.terms_published",
            actor=actor,
            community=challenge.community,
            target=terms,
            number=terms.number,
        )
    return terms


def set_jury(actor: Any, challenge: Challenge, jury: list[dict[str, Any]]) -> list[JuryMember]:
    require(actor, "challenge.edit", challenge)
    rows = []
    seen = set()
    for index, raw in enumerate(jury or []):
        user = _staff_member(challenge.community, raw.get("user_id"), f"jury.{index}.user_id")
        if user.pk in seen:
            continue
        seen.add(user.pk)
        role = clean_text(raw.get("role"), f"jury.{index}.role", max_length=100, required=True)
        rows.append(JuryMember(challenge=challenge, user=user, role=role))
    with transaction.atomic():
        challenge.jury.all().delete()
        JuryMember.objects.bulk_create(rows)
        events.record(
            "challenge.jury_set",
            actor=actor,
            community=challenge.community,
            target=challenge,
            jurors=[r.user_id for r in rows],
        )
    return rows


def set_prizes(actor: Any, challenge: Challenge, prizes: list[dict[str, Any]]) -> list[Prize]:
    require(actor, "challenge.edit", challenge)
    rows = []
    for index, raw in enumerate(prizes or []):
        points = raw.get("points")
        if points not in (None, ""):
            try:
                points = int(points)
            except (TypeError, ValueError) as exc:
                raise Invalid(
                    fields={f"prizes.{index}.points": _("Enter a whole number.")}
                ) from exc
            if not 0 <= points <= 10_000_000:
                raise Invalid(fields={f"prizes.{index}.points": _("Between 0 and 10,000,000.")})
        rows.append(
            Prize(
                challenge=challenge,
                position=index,
                title=clean_text(
                    raw.get("title"), f"prizes.{index}.title", max_length=160, required=True
                ),
                description=clean_text(
                    raw.get("description"), f"prizes.{index}.description", max_length=2000
                ),
                points=points if points not in (None, "") else None,
            )
        )
    with transaction.atomic():
        challenge.prizes.all().delete()
        Prize.objects.bulk_create(rows)
        events.record(
            "challenge.prizes_set",
            actor=actor,
            community=challenge.community,
            target=challenge,
            count=len(rows),
        )
    return rows


def set_review_windows(
    actor: Any, challenge: Challenge, windows: list[dict[str, Any]]
) -> list[ReviewWindow]:
    require(actor, "challenge.edit", challenge)
    rows = []
    for index, raw in enumerate(windows or []):
        cutoff = _when(raw.get("cutoff_at"), f"review_windows.{index}.cutoff_at")
        review = _when(raw.get("review_at"), f"review_windows.{index}.review_at")
        if cutoff is None or review is None or review < cutoff:
            raise Invalid(
                fields={
                    f"review_windows.{index}": _(
                        "Each review window needs a cut-off and a review date on or after it."
                    )
                }
            )
        rows.append(ReviewWindow(challenge=challenge, cutoff_at=cutoff, review_at=review))
    with transaction.atomic():
        # Windows that ideas already wait for are kept; the others are replaced.
        challenge.review_windows.filter(ideas__isnull=True).delete()
        ReviewWindow.objects.bulk_create(rows)
        from cocreate.ideas.actions import queue_waiting_for_review

        queue_waiting_for_review(challenge)
        events.record(
            "challenge.review_windows_set",
            actor=actor,
            community=challenge.community,
            target=challenge,
            count=len(rows),
        )
    return rows


def publish_challenge(actor: Any, challenge: Challenge) -> Challenge:
    require(actor, "challenge.edit", challenge)
    if not challenge.is_idea_box and not challenge.phases.exists():
        raise Invalid(fields={"phases": _("Set the phases before publishing.")})
    with transaction.atomic():
        updated = Challenge.objects.filter(pk=challenge.pk, status=ChallengeStatus.DRAFT).update(
            status=ChallengeStatus.PUBLISHED, published_at=timezone.now()
        )
        if not updated:
            raise Conflict(_("This challenge is already published."))
        challenge.refresh_from_db()
        # Followers of the community are told by the notification consumer.
        events.record(
            "challenge.published", actor=actor, community=challenge.community, target=challenge
        )
    return challenge


def idea_box(community: Community) -> Challenge:
    """The community's always-open idea box, created the first time it is needed."""
    box = Challenge.objects.filter(community=community, is_idea_box=True).first()
    if box is not None:
        return box
    try:
        with transaction.atomic():
            box = Challenge.objects.create(
                community=community,
                is_idea_box=True,
                title="Idea box",
                type=ChallengeType.OPEN_QUESTION,
                status=ChallengeStatus.PUBLISHED,
                published_at=timezone.now(),
                brief="Any idea, any time: the idea box is always open.",
            )
            events.record("challenge.created", community=community, target=box, idea_box=True)
    except IntegrityError:
        box = Challenge.objects.get(community=community, is_idea_box=True)
    return box
