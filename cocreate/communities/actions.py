"""Every write to communities, circles, charters, memberships, applications and
invitations. Each action checks permission, writes in one transaction and records
an Event in it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.communities.models import (
    Application,
    ApplicationStatus,
    CharterVersion,
    CircleStatus,
    Community,
    Invitation,
    JoinPolicy,
    Membership,
    Role,
    Visibility,
)
from cocreate.core import events
from cocreate.core.errors import Conflict, Invalid, NotFound
from cocreate.core.images import clean_image
from cocreate.core.permissions import forget_roles, require
from cocreate.core.validation import clean_text
from cocreate.core.versions import create_next_version

RESERVED_SLUGS = {"new", "admin", "api", "static", "media", "accounts", "settings", "invite"}


# --- validation helpers ---------------------------------------------------------


def _slug(value: str) -> str:
    value = (value or "").strip().lower()
    try:
        validate_slug(value)
    except ValidationError as exc:
        raise Invalid(
            fields={"slug": _("Use lowercase letters, numbers, hyphens and underscores.")}
        ) from exc
    if len(value) < 2 or len(value) > 60 or value in RESERVED_SLUGS:
        raise Invalid(fields={"slug": _("Choose another address (2-60 characters).")})
    return value


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise Invalid(fields={field: _("Choose one of: %(c)s.") % {"c": ", ".join(choices.values)}})
    return value


def _questions(questions: Any) -> list[str]:
    cleaned = [str(q).strip() for q in (questions or []) if str(q).strip()]
    if len(cleaned) > 10 or any(len(q) > 300 for q in cleaned):
        raise Invalid(
            fields={"application_questions": _("At most 10 questions of 300 characters.")}
        )
    return cleaned


def _seat_limit(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        seats = int(value)
    except (TypeError, ValueError) as exc:
        raise Invalid(fields={"seat_limit": _("Enter a whole number.")}) from exc
    if seats < 1 or seats > 10_000_000:
        raise Invalid(fields={"seat_limit": _("Enter a number from 1 to 10,000,000.")})
    return seats


# --- membership core ------------------------------------------------------------------


def _add_member(community: Community, user: Any, role: str = Role.MEMBER) -> Membership:
    """Take a seat and create the membership, inside the caller's transaction. The
    seat is taken by a conditional F() update, so concurrent joins cannot overfill."""
    seats = Community.objects.filter(pk=community.pk)
    if community.seat_limit is not None:
        seats = seats.filter(member_count__lt=F("seat_limit"))
    try:
        with transaction.atomic():
            if not seats.update(member_count=F("member_count") + 1):
                raise Conflict(_("This community has no free seats."))
            membership = Membership.objects.create(community=community, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict(_("%(name)s is already a member.") % {"name": user}) from exc
    community.member_count = (
        Community.objects.filter(pk=community.pk).values_list("member_count", flat=True).get()
    )
    forget_roles(user)
    return membership


def _drop_member(membership: Membership) -> None:
    """Delete a membership and its circle memberships, keeping counts exact."""
    community = membership.community
    if community.parent_id is None:
        for circle_membership in Membership.objects.filter(
            community__parent=community, user_id=membership.user_id
        ).select_related("community"):
            _drop_member(circle_membership)
    deleted, _rows = Membership.objects.filter(pk=membership.pk).delete()
    if deleted:
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)
        community.member_count -= 1
    forget_roles(membership.user)


def _lock(community: Community) -> None:
    """Serialise membership changes of one community (row lock on PostgreSQL; SQLite
    transactions are already serial), so "is another owner left?" stays true at commit."""
    Community.objects.select_for_update().filter(pk=community.pk).values_list("pk").get()


def _keep_an_owner(community: Community, leaving: Membership) -> None:
    if (
        leaving.role == Role.OWNER
        and not Membership.objects.filter(community=community, role=Role.OWNER)
        .exclude(pk=leaving.pk)
        .exists()
    ):
        raise Conflict(_("A community needs at least one owner."))


# --- communities and charters -------------------------------------------------------


def create_community(
    actor: Any,
    *,
    name: str,
    slug: str,
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    join_policy: str = JoinPolicy.OPEN,
    seat_limit: Any = None,
    application_questions: Any = None,
    mission: str = "",
    values: str = "",
    rules: str = "",
    logo: Any = None,
    members_start_conversations: bool = False,
) -> Community:
    require(actor, "community.create")
    community = Community(
        name=clean_text(name, "name", max_length=100, required=True),
        slug=_slug(slug),
        description=clean_text(description, "description", max_length=5000),
        visibility=_choice(visibility, Visibility, "visibility"),
        join_policy=_choice(join_policy, JoinPolicy, "join_policy"),
        seat_limit=_seat_limit(seat_limit),
        application_questions=_questions(application_questions),
        members_start_conversations=bool(members_start_conversations),
        created_by=actor,
    )
    mission = (
        clean_text(mission, "mission", max_length=20_000) or community.description or community.name
    )
    logo_file = clean_image(logo, field="logo", max_side=512) if logo else None
    try:
        with transaction.atomic():
            if logo_file is not None:
                community.logo.save(logo_file.name or "logo.png", logo_file, save=False)
            community.save()
            CharterVersion.objects.create(
                community=community,
                number=1,
                mission=mission,
                values=clean_text(values, "values", max_length=20_000),
                rules=clean_text(rules, "rules", max_length=50_000),
                author=actor,
            )
            _add_member(community, actor, Role.OWNER)
            events.record("community.created", actor=actor, community=community, target=community)
            # Every community has an always-open idea box from the start.
            from cocreate.challenges.actions import idea_box

            idea_box(community)
    except IntegrityError as exc:
        raise Invalid(fields={"slug": _("This address is already taken.")}) from exc
    return community


def update_community(actor: Any, community: Community, **changes: Any) -> Community:
    require(actor, "community.edit", community)
    cleaners = {
        "name": lambda v: clean_text(v, "name", max_length=100, required=True),
        "description": lambda v: clean_text(v, "description", max_length=5000),
        "visibility": lambda v: _choice(v, Visibility, "visibility"),
        "join_policy": lambda v: _choice(v, JoinPolicy, "join_policy"),
        "seat_limit": _seat_limit,
        "application_questions": _questions,
        "members_start_conversations": bool,
    }
    changed = []
    logo = changes.pop("logo", None)
    for field, value in changes.items():
        if field not in cleaners:
            raise Invalid(fields={field: _("This field cannot be changed.")})
        if value is None and field != "seat_limit":
            continue
        setattr(community, field, cleaners[field](value))
        changed.append(field)
    if community.seat_limit is not None and community.seat_limit < community.member_count:
        raise Invalid(fields={"seat_limit": _("There are already more members than that.")})
    logo_file = clean_image(logo, field="logo", max_side=512) if logo else None
    with transaction.atomic():
        if logo_file is not None:
            community.logo.save(logo_file.name or "logo.png", logo_file, save=False)
            changed.append("logo")
        if changed:
            community.save(update_fields=changed)
            events.record(
                "community.updated",
                actor=actor,
                community=community,
                target=community,
                fields=changed,
            )
    return community


def edit_charter(
    actor: Any,
    community: Community,
    *,
    mission: str,
    values: str = "",
    rules: str = "",
    summary: str = "",
) -> CharterVersion:
    """Charters are never edited in place: each edit is the next numbered version."""
    require(actor, "charter.edit", community)
    mission = clean_text(mission, "mission", max_length=20_000, required=True)
    values = clean_text(values, "values", max_length=20_000)
    rules = clean_text(rules, "rules", max_length=50_000)
    summary = clean_text(summary, "summary", max_length=200)
    current = community.current_charter()
    if current and (current.mission, current.values, current.rules) == (mission, values, rules):
        raise Invalid(fields={"mission": _("Nothing changed.")})
    with transaction.atomic():
        version = create_next_version(
            community.charter_versions.all(),
            busy=_("The charter is being edited by someone else; try again."),
            community=community,
            mission=mission,
            values=values,
            rules=rules,
            summary=summary,
            author=actor,
        )
        events.record(
            "charter.edited",
            actor=actor,
            community=community,
            target=version,
            number=version.number,
        )
    return version


# --- joining -------------------------------------------------------------------------


def join(actor: Any, community: Community) -> Membership:
    require(actor, "community.join", community)
    with transaction.atomic():
        membership = _add_member(community, actor)
        events.record(
            "membership.joined",
            actor=actor,
            community=community,
            target=membership,
            user_id=actor.pk,
            via="open",
        )
    return membership


def leave(actor: Any, community: Community) -> None:
    require(actor, "community.leave", community)
    with transaction.atomic():
        _lock(community)
        membership = Membership.objects.select_for_update().get(community=community, user=actor)
        _keep_an_owner(community, membership)
        _drop_member(membership)
        events.record("membership.left", actor=actor, community=community, user_id=actor.pk)
    forget_roles(actor)


def apply(actor: Any, community: Community, *, answers: list[str] | None = None) -> Application:
    require(actor, "community.apply", community)
    answers = [str(a or "").strip() for a in (answers or [])]
    questions = community.application_questions or []
    field_errors: dict[str, str] = {}
    for index, question in enumerate(questions):
        answer = answers[index] if index < len(answers) else ""
        if not answer:
            field_errors[f"answers.{index}"] = _("Please answer: %(q)s") % {"q": question}
        elif len(answer) > 2000:
            field_errors[f"answers.{index}"] = _("At most 2000 characters.")
    if field_errors:
        raise Invalid(fields=field_errors)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                community=community,
                user=actor,
                answers=[{"question": q, "answer": answers[i]} for i, q in enumerate(questions)],
            )
            events.record(
                "application.submitted", actor=actor, community=community, target=application
            )
    except IntegrityError as exc:
        raise Conflict(_("You already have an application waiting for a decision.")) from exc
    return application


def withdraw_application(actor: Any, application: Application) -> Application:
    if application.user_id != getattr(actor, "pk", None):
        raise NotFound()
    with transaction.atomic():
        updated = Application.objects.filter(
            pk=application.pk, status=ApplicationStatus.PENDING
        ).update(status=ApplicationStatus.WITHDRAWN)
        if not updated:
            raise Conflict(_("This application has already been decided."))
        events.record(
            "application.withdrawn",
            actor=actor,
            community=application.community,
            target=application,
        )
    application.refresh_from_db()
    return application


def decide_application(
    actor: Any, application: Application, *, accept: bool, message: str = ""
) -> Application:
    require(actor, "application.decide", application)
    message = clean_text(message, "message", max_length=2000)
    status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.DECLINED
    with transaction.atomic():
        # Only a pending application can be decided, once: the update is the check.
        updated = Application.objects.filter(
            pk=application.pk, status=ApplicationStatus.PENDING
        ).update(status=status, message=message, decided_by=actor, decided_at=timezone.now())
        if not updated:
            raise Conflict(_("This application has already been decided."))
        if accept:
            _add_member(application.community, application.user)
        events.record(
            "application.decided",
            actor=actor,
            community=application.community,
            target=application,
            accepted=accept,
            user_id=application.user_id,
        )
    application.refresh_from_db()
    return application


# --- invitations -------------------------------------------------------------------


def create_invitation(
    actor: Any,
    community: Community,
    *,
    expires_in_days: Any = 7,
    max_uses: Any = 1,
    note: str = "",
    email: str = "",
) -> Invitation:
    require(actor, "invitation.create", community)
    try:
        days = int(expires_in_days)
        uses = int(max_uses)
    except (TypeError, ValueError) as exc:
        raise Invalid(fields={"expires_in_days": _("Enter whole numbers.")}) from exc
    if not 1 <= days <= 90:
        raise Invalid(fields={"expires_in_days": _("Between 1 and 90 days.")})
    if not 1 <= uses <= 1000:
        raise Invalid(fields={"max_uses": _("Between 1 and 1000 uses.")})
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise Invalid(fields={"email": _("Enter a valid email address.")}) from exc
    with transaction.atomic():
        invitation = Invitation.objects.create(
            community=community,
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=days),
            max_uses=uses,
            note=clean_text(note, "note", max_length=120),
            email=email,
        )
        events.record(
            "invitation.created", actor=actor, community=community, target=invitation, email=email
        )
    return invitation


def revoke_invitation(actor: Any, invitation: Invitation) -> Invitation:
    require(actor, "invitation.create", invitation.community)
    with transaction.atomic():
        if invitation.revoked_at is None:
            Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
            events.record(
                "invitation.revoked", actor=actor, community=invitation.community, target=invitation
            )
    invitation.refresh_from_db()
    return invitation


def accept_invitation(actor: Any, code: str) -> Membership:
    invitation = (
        Invitation.objects.select_related("community", "community__parent")
        .filter(code=code)
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    require(actor, "invitation.accept", invitation)
    with transaction.atomic():
        # Using the invitation is one conditional update: expired, revoked or used-up
        # links match nothing, however many people click at once.
        used = Invitation.objects.filter(
            pk=invitation.pk,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            use_count__lt=F("max_uses"),
        ).update(use_count=F("use_count") + 1)
        if not used:
            raise Conflict(_("This invitation has expired or has been used up."))
        membership = _add_member(invitation.community, actor)
        events.record(
            "membership.joined",
            actor=actor,
            community=invitation.community,
            target=membership,
            user_id=actor.pk,
            via="invitation",
            invitation_id=invitation.pk,
        )
    return membership


# --- roles and removal ---------------------------------------------------------------


def change_role(actor: Any, membership: Membership, role: str) -> Membership:
    require(actor, "membership.change_role", membership)
    role = _choice(role, Role, "role")
    require(actor, "membership.grant_role", (membership, role))
    community = membership.community
    with transaction.atomic():
        _lock(community)
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        old = current.role
        if old == role:
            return current
        _keep_an_owner(community, current)
        current.role = role
        current.save(update_fields=["role"])
        events.record(
            "membership.role_changed",
            actor=actor,
            community=community,
            target=current,
            user_id=current.user_id,
            old=old,
            new=role,
        )
    forget_roles(current.user)
    return current


def remove_member(actor: Any, membership: Membership, *, reason: str) -> None:
    require(actor, "membership.remove", membership)
    reason = clean_text(reason, "reason", max_length=1000, required=True)
    with transaction.atomic():
        _lock(membership.community)
        current = (
            Membership.objects.select_for_update()
            .select_related("community", "user")
            .get(pk=membership.pk)
        )
        _keep_an_owner(current.community, current)
        _drop_member(current)
        events.record(
            "membership.removed",
            actor=actor,
            community=current.community,
            user_id=current.user_id,
            reason=reason,
            role=current.role,
        )


# --- circles ---------------------------------------------------------------------------


def _new_circle(
    actor: Any,
    parent: Community,
    *,
    name: str,
    slug: str,
    description: str,
    join_policy: str,
    status: str,
) -> Community:
    circle = Community(
        parent=parent,
        name=clean_text(name, "name", max_length=100, required=True),
        slug=_slug(slug),
        description=clean_text(description, "description", max_length=5000),
        visibility=parent.visibility,
        join_policy=_choice(join_policy, JoinPolicy, "join_policy"),
        circle_status=status,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            circle.save()
            CharterVersion.objects.create(
                community=circle,
                number=1,
                mission=circle.description or circle.name,
                author=actor,
            )
    except IntegrityError as exc:
        raise Invalid(fields={"slug": _("This address is already taken.")}) from exc
    return circle


def create_circle(
    actor: Any,
    parent: Community,
    *,
    name: str,
    slug: str,
    description: str = "",
    join_policy: str = JoinPolicy.OPEN,
) -> Community:
    require(actor, "circle.create", parent)
    with transaction.atomic():
        circle = _new_circle(
            actor,
            parent,
            name=name,
            slug=slug,
            description=description,
            join_policy=join_policy,
            status=CircleStatus.ACTIVE,
        )
        if Membership.objects.filter(community=parent, user=actor).exists():
            _add_member(circle, actor, Role.OWNER)
        events.record("circle.created", actor=actor, community=parent, target=circle)
    return circle


def propose_circle(
    actor: Any, parent: Community, *, name: str, slug: str, description: str = ""
) -> Community:
    require(actor, "circle.propose", parent)
    with transaction.atomic():
        circle = _new_circle(
            actor,
            parent,
            name=name,
            slug=slug,
            description=description,
            join_policy=JoinPolicy.OPEN,
            status=CircleStatus.PROPOSED,
        )
        events.record("circle.proposed", actor=actor, community=parent, target=circle)
    return circle


def decide_circle(actor: Any, circle: Community, *, approve: bool, message: str = "") -> Community:
    require(actor, "circle.decide", circle)
    message = clean_text(message, "message", max_length=2000)
    status = CircleStatus.ACTIVE if approve else CircleStatus.DECLINED
    with transaction.atomic():
        updated = Community.objects.filter(
            pk=circle.pk, circle_status=CircleStatus.PROPOSED
        ).update(circle_status=status)
        if not updated:
            raise Conflict(_("This circle has already been decided."))
        circle.refresh_from_db()
        proposer = circle.created_by
        if (
            approve
            and proposer is not None
            and Membership.objects.filter(Q(community=circle.parent) & Q(user=proposer)).exists()
        ):
            _add_member(circle, proposer, Role.OWNER)
        events.record(
            "circle.decided",
            actor=actor,
            community=circle.parent,
            target=circle,
            approved=approve,
            message=message,
            user_id=proposer.pk if proposer else None,
        )
    return circle
