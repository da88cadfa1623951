from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from cocreate.communities import actions, queries
from cocreate.communities.models import (
    Application,
    CharterVersion,
    Community,
    Invitation,
    Membership,
)
from cocreate.core.api import ERRORS, PUBLIC, ApiRequest, ObjectId, Pagination, PersonOut
from cocreate.core.errors import NotFound
from cocreate.core.markdown import render
from cocreate.core.permissions import can, require, role_in

router = Router(tags=["communities"])
SLUG = r"^[-a-zA-Z0-9_]{1,60}$"


# --- schemas ---------------------------------------------------------------------


class CommunityOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    visibility: str
    join_policy: str
    seat_limit: int | None
    seats_left: int | None
    member_count: int
    application_questions: list[str]
    logo_url: str | None
    parent: str | None = Field(None, description="Slug of the parent, for a circle")
    circle_status: str
    members_start_conversations: bool
    created_at: datetime
    my_role: str | None = None

    @staticmethod
    def resolve_logo_url(obj: Community) -> str | None:
        return obj.logo.url if obj.logo else None

    @staticmethod
    def resolve_parent(obj: Community) -> str | None:
        return obj.parent.slug if obj.parent is not None else None


class CommunityIn(Schema):
    name: str = Field(max_length=100)
    slug: str = Field(max_length=60)
    description: str = Field("", max_length=5000)
    visibility: str = "public"
    join_policy: str = "open"
    seat_limit: int | None = Field(None, ge=1, le=10_000_000)
    application_questions: list[str] = Field(default_factory=list, max_length=10)
    mission: str = Field("", max_length=20_000)
    values: str = Field("", max_length=20_000)
    rules: str = Field("", max_length=50_000)
    members_start_conversations: bool = False


class CommunityPatch(Schema):
    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=5000)
    visibility: str | None = None
    join_policy: str | None = None
    seat_limit: int | None = Field(None, ge=1, le=10_000_000)
    application_questions: list[str] | None = Field(None, max_length=10)
    members_start_conversations: bool | None = None


class MemberOut(Schema):
    user: PersonOut
    role: str
    joined_at: datetime


class RoleIn(Schema):
    role: str


class ReasonIn(Schema):
    reason: str = Field(max_length=1000)


class ApplicationIn(Schema):
    answers: list[str] = Field(default_factory=list, max_length=10)


class AnswerOut(Schema):
    question: str
    answer: str


class ApplicationOut(Schema):
    id: int
    community: str
    user: PersonOut
    answers: list[AnswerOut]
    status: str
    message: str
    decided_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_community(obj: Application) -> str:
        return obj.community.slug


class DecisionIn(Schema):
    accept: bool
    message: str = Field("", max_length=2000)


class CircleDecisionIn(Schema):
    approve: bool
    message: str = Field("", max_length=2000)


class InvitationIn(Schema):
    expires_in_days: int = Field(7, ge=1, le=90)
    max_uses: int = Field(1, ge=1, le=1000)
    note: str = Field("", max_length=120)
    email: str = Field("", max_length=254)


class InvitationOut(Schema):
    id: int
    code: str
    url: str
    note: str
    email: str
    expires_at: datetime
    max_uses: int
    use_count: int
    revoked_at: datetime | None
    usable: bool

    @staticmethod
    def resolve_url(obj: Invitation) -> str:
        from django.conf import settings
        from django.urls import reverse

        return settings.SITE_URL + reverse("communities:invitation", args=[obj.code])


class CharterIn(Schema):
    mission: str = Field(max_length=20_000)
    values: str = Field("", max_length=20_000)
    rules: str = Field("", max_length=50_000)
    summary: str = Field("", max_length=200)


class CharterVersionOut(Schema):
    number: int
    mission: str
    values: str
    rules: str
    summary: str
    author: PersonOut | None
    created_at: datetime
    html: dict[str, str]

    @staticmethod
    def resolve_html(obj: CharterVersion) -> dict[str, str]:
        return {f: str(render(getattr(obj, f))) for f in ("mission", "values", "rules")}


class DiffLineOut(Schema):
    kind: str
    text: str


class DiffSectionOut(Schema):
    field: str
    changed: bool
    lines: list[DiffLineOut]


class CharterDetailOut(CharterVersionOut):
    diff: list[DiffSectionOut]


class CircleIn(Schema):
    name: str = Field(max_length=100)
    slug: str = Field(max_length=60)
    description: str = Field("", max_length=5000)
    join_policy: str = "open"


class LogEntryOut(Schema):
    id: int
    kind: str
    actor: PersonOut | None
    data: dict[str, Any]
    created_at: datetime


# --- helpers ---------------------------------------------------------------------


def _community(request: ApiRequest, slug: str) -> Community:
    community = Community.objects.select_related("parent").filter(slug=slug).first()
    # Private communities are indistinguishable from missing ones to outsiders.
    if community is None or not can(request.auth, "community.view", community):
        raise NotFound()
    return community


def _with_role(request: ApiRequest, community: Community) -> Community:
    community.my_role = role_in(request.auth, community)  # type: ignore[attr-defined]
    return community


def _membership(request: ApiRequest, slug: str, user_id: int) -> Membership:
    community = _community(request, slug)
    membership = (
        Membership.objects.select_related("community", "community__parent", "user")
        .filter(community=community, user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def _application(request: ApiRequest, application_id: int) -> Application:
    application = (
        Application.objects.select_related("community", "community__parent", "user")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not (
        application.user_id == request.auth.pk
        or can(request.auth, "application.decide", application)
    ):
        raise NotFound()
    return application


# --- communities -------------------------------------------------------------------


@router.get("/communities", auth=PUBLIC, response={200: list[CommunityOut], **ERRORS})
@paginate(Pagination)
def list_communities(request: ApiRequest, q: str = Query("", max_length=100)) -> Any:
    qs = queries.visible_communities(request.auth).select_related("parent")
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name", "pk")


@router.post(
    "/communities",
    response={201: CommunityOut, **ERRORS},
    summary="Create a community (site staff)",
)
def create_community(request: ApiRequest, payload: CommunityIn) -> Status[Community]:
    community = actions.create_community(request.auth, **payload.dict())
    return Status(201, _with_role(request, community))


@router.get("/communities/{slug}", auth=PUBLIC, response={200: CommunityOut, **ERRORS})
def get_community(request: ApiRequest, slug: str) -> Community:
    return _with_role(request, _community(request, slug))


@router.patch("/communities/{slug}", response={200: CommunityOut, **ERRORS})
def update_community(request: ApiRequest, slug: str, payload: CommunityPatch) -> Community:
    community = _community(request, slug)
    actions.update_community(request.auth, community, **payload.dict(exclude_unset=True))
    return _with_role(request, community)


@router.post("/communities/{slug}/join", response={201: MemberOut, **ERRORS})
def join(request: ApiRequest, slug: str) -> Status[Membership]:
    return Status(201, actions.join(request.auth, _community(request, slug)))


@router.post("/communities/{slug}/leave", response={204: None, **ERRORS})
def leave(request: ApiRequest, slug: str) -> Status[None]:
    actions.leave(request.auth, _community(request, slug))
    return Status(204, None)


@router.get("/communities/{slug}/members", auth=PUBLIC, response={200: list[MemberOut], **ERRORS})
@paginate(Pagination)
def list_members(
    request: ApiRequest,
    slug: str,
    role: str = Query("", max_length=20),
    q: str = Query("", max_length=60, description="name or handle (for @mentions)"),
) -> Any:
    return queries.members(_community(request, slug), role=role or None, search=q)


@router.patch(
    "/communities/{slug}/members/{user_id}",
    response={200: MemberOut, **ERRORS},
    summary="Change a member's role (owners and staff)",
)
def change_role(request: ApiRequest, slug: str, user_id: ObjectId, payload: RoleIn) -> Membership:
    return actions.change_role(request.auth, _membership(request, slug, user_id), payload.role)


@router.post(
    "/communities/{slug}/members/{user_id}/remove",
    response={204: None, **ERRORS},
    summary="Remove a member, with a reason",
)
def remove_member(
    request: ApiRequest, slug: str, user_id: ObjectId, payload: ReasonIn
) -> Status[None]:
    actions.remove_member(request.auth, _membership(request, slug, user_id), reason=payload.reason)
    return Status(204, None)


@router.get(
    "/communities/{slug}/log",
    response={200: list[LogEntryOut], **ERRORS},
    summary="Membership record: joins, departures, removals, role changes (staff)",
)
@paginate(Pagination)
def membership_log(request: ApiRequest, slug: str) -> Any:
    community = _community(request, slug)
    require(request.auth, "community.view_audit", community)
    return queries.membership_log(community)


# --- applications ------------------------------------------------------------------


@router.get(
    "/communities/{slug}/applications",
    response={200: list[ApplicationOut], **ERRORS},
    summary="Applications to join (staff see all; members see their own)",
)
@paginate(Pagination)
def list_applications(
    request: ApiRequest, slug: str, status: str = Query("", max_length=20)
) -> Any:
    community = _community(request, slug)
    qs = community.applications.select_related("user", "community")
    if not can(request.auth, "community.manage_members", community):
        qs = qs.filter(user=request.auth)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


@router.post("/communities/{slug}/applications", response={201: ApplicationOut, **ERRORS})
def apply(request: ApiRequest, slug: str, payload: ApplicationIn) -> Status[Application]:
    return Status(
        201, actions.apply(request.auth, _community(request, slug), answers=payload.answers)
    )


@router.post(
    "/applications/{application_id}/decision",
    response={200: ApplicationOut, **ERRORS},
    summary="Accept or decline an application, with a message (staff)",
)
def decide_application(
    request: ApiRequest, application_id: ObjectId, payload: DecisionIn
) -> Application:
    application = _application(request, application_id)
    return actions.decide_application(
        request.auth, application, accept=payload.accept, message=payload.message
    )


@router.post("/applications/{application_id}/withdraw", response={200: ApplicationOut, **ERRORS})
def withdraw_application(request: ApiRequest, application_id: ObjectId) -> Application:
    return actions.withdraw_application(request.auth, _application(request, application_id))


# --- invitations ---------------------------------------------------------------------


@router.get("/communities/{slug}/invitations", response={200: list[InvitationOut], **ERRORS})
@paginate(Pagination)
def list_invitations(request: ApiRequest, slug: str) -> Any:
    community = _community(request, slug)
    require(request.auth, "invitation.create", community)
    return community.invitations.order_by("-created_at", "-pk")


@router.post("/communities/{slug}/invitations", response={201: InvitationOut, **ERRORS})
def create_invitation(request: ApiRequest, slug: str, payload: InvitationIn) -> Status[Invitation]:
    return Status(
        201, actions.create_invitation(request.auth, _community(request, slug), **payload.dict())
    )


@router.delete("/invitations/{invitation_id}", response={200: InvitationOut, **ERRORS})
def revoke_invitation(request: ApiRequest, invitation_id: ObjectId) -> Invitation:
    invitation = Invitation.objects.select_related("community").filter(pk=invitation_id).first()
    if invitation is None or not can(request.auth, "invitation.create", invitation.community):
        raise NotFound()
    return actions.revoke_invitation(request.auth, invitation)


@router.post("/invitations/{code}/accept", response={201: MemberOut, **ERRORS})
def accept_invitation(
    request: ApiRequest, code: str = Path(..., max_length=40)
) -> Status[Membership]:
    return Status(201, actions.accept_invitation(request.auth, code))


# --- charter -------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/charter",
    auth=PUBLIC,
    response={200: list[CharterVersionOut], **ERRORS},
    summary="Charter versions, newest first",
)
@paginate(Pagination)
def charter_versions(request: ApiRequest, slug: str) -> Any:
    return _community(request, slug).charter_versions.select_related("author").order_by("-number")


@router.get(
    "/communities/{slug}/charter/{number}",
    auth=PUBLIC,
    response={200: CharterDetailOut, **ERRORS},
    summary="One charter version with its diff against the previous one",
)
def charter_version(request: ApiRequest, slug: str, number: ObjectId) -> Any:
    community = _community(request, slug)
    version = community.charter_versions.select_related("author").filter(number=number).first()
    if version is None:
        raise NotFound()
    previous = community.charter_versions.filter(number=number - 1).first()
    version.diff = queries.charter_diff(previous, version)  # type: ignore[attr-defined]
    return version


@router.post(
    "/communities/{slug}/charter",
    response={201: CharterVersionOut, **ERRORS},
    summary="Publish a new charter version (staff)",
)
def edit_charter(request: ApiRequest, slug: str, payload: CharterIn) -> Status[CharterVersion]:
    return Status(
        201, actions.edit_charter(request.auth, _community(request, slug), **payload.dict())
    )


# --- circles ---------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/circles",
    auth=PUBLIC,
    response={200: list[CommunityOut], **ERRORS},
    summary="Circles of a community, with member counts",
)
@paginate(Pagination)
def list_circles(request: ApiRequest, slug: str) -> Any:
    community = _community(request, slug)
    return [
        c
        for c in community.circles.select_related("parent").order_by("name")
        if can(request.auth, "community.view", c)
    ]


@router.post(
    "/communities/{slug}/circles",
    response={201: CommunityOut, **ERRORS},
    summary="Create a circle (staff) or propose one (members)",
)
def create_circle(request: ApiRequest, slug: str, payload: CircleIn) -> Status[Community]:
    parent = _community(request, slug)
    if can(request.auth, "circle.create", parent):
        return Status(201, actions.create_circle(request.auth, parent, **payload.dict()))
    data = payload.dict()
    data.pop("join_policy")
    return Status(201, actions.propose_circle(request.auth, parent, **data))


@router.post(
    "/communities/{slug}/decision",
    response={200: CommunityOut, **ERRORS},
    summary="Approve or decline a proposed circle (staff of the parent)",
)
def decide_circle(request: ApiRequest, slug: str, payload: CircleDecisionIn) -> Community:
    return actions.decide_circle(
        request.auth, _community(request, slug), approve=payload.approve, message=payload.message
    )
