from datetime import datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from cocreate.accounts.models import User
from cocreate.challenges.models import Challenge
from cocreate.communities.models import Community
from cocreate.core.api import ERRORS, ApiRequest, ObjectId, Pagination
from cocreate.core.errors import Invalid, NotFound
from cocreate.ideas.models import Idea
from cocreate.notifications import actions, queries
from cocreate.notifications.models import Follow, Notification

router = Router(tags=["notifications"])

KindName = Literal[
    "idea_submitted",
    "idea_changed",
    "stage_changed",
    "milestone",
    "comment",
    "reply",
    "official_answer",
    "challenge_published",
]


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    excerpt: str
    idea: int | None = Field(alias="idea_id")
    comment: int | None = Field(alias="comment_id")
    challenge: int | None = Field(alias="challenge_id")
    created_at: datetime
    read_at: datetime | None


class ReadIn(Schema):
    ids: list[Annotated[int, Field(ge=1, le=2**53)]] = Field(default_factory=list, max_length=500)
    all: bool = False


class ReadOut(Schema):
    marked: int
    unread: int


class FollowIn(Schema):
    community: str | None = Field(None, max_length=60, description="a community's slug")
    challenge: int | None = Field(None, ge=1, le=2**53)
    idea: int | None = Field(None, ge=1, le=2**53)
    person: int | None = Field(None, ge=1, le=2**53)


class FollowOut(Schema):
    id: int
    kind: str
    target: str
    automatic: bool
    created_at: datetime

    @staticmethod
    def resolve_kind(obj: Follow) -> str:
        return obj.target_kind

    @staticmethod
    def resolve_target(obj: Follow) -> str:
        target: Any = obj.target
        if obj.community_id:
            return str(target.slug)
        return str(target.pk)


class PreferenceIO(Schema):
    email_mode: Literal["each", "daily", "weekly", "off"]
    digest_time: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, local")
    digest_weekday: int = Field(ge=0, le=6)
    timezone: str = Field(max_length=64)
    muted_kinds: list[KindName] = Field(default_factory=list)


def _described(rows: list[Notification]) -> list[dict[str, Any]]:
    return [
        {
            **queries.describe(n),
            "id": n.pk,
            "kind": n.kind,
            "idea_id": n.idea_id,
            "comment_id": n.comment_id,
            "challenge_id": n.challenge_id,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n in rows
        if queries.shown(n, n.user)
    ]


class DescribedPagination(Pagination):
    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["items"] = _described(list(result["items"]))
        return result


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **ERRORS},
    summary="Your notifications, newest first (unread=true for unread ones)",
)
@paginate(DescribedPagination)
def list_notifications(request: ApiRequest, unread: bool = False) -> QuerySet[Notification]:
    rows = queries.for_user(request.auth)
    return rows.filter(read_at__isnull=True) if unread else rows


@router.post(
    "/notifications/read",
    response={200: ReadOut, **ERRORS},
    summary='Mark notifications read: {"ids": [...]} or {"all": true}',
)
def mark_read(request: ApiRequest, payload: ReadIn) -> dict[str, int]:
    if not payload.all and not payload.ids:
        raise Invalid(fields={"ids": "Give ids, or all: true."})
    marked = actions.mark_read(request.auth, None if payload.all else payload.ids)
    return {"marked": marked, "unread": queries.unread_count(request.auth)}


@router.get("/follows", response={200: list[FollowOut], **ERRORS}, summary="What you follow")
@paginate(Pagination)
def list_follows(request: ApiRequest) -> QuerySet[Follow]:
    return Follow.objects.filter(user=request.auth).select_related("community")


@router.post(
    "/follows",
    response={201: FollowOut, **ERRORS},
    summary="Follow one community (slug), challenge, idea or person",
)
def create_follow(request: ApiRequest, payload: FollowIn) -> Status[Follow]:
    given = {k: v for k, v in payload.dict().items() if v is not None}
    if len(given) != 1:
        raise Invalid(
            fields={"community": "Give exactly one of community, challenge, idea, person."}
        )
    [(name, key)] = given.items()
    models: dict[str, Any] = {
        "community": Community,
        "challenge": Challenge,
        "idea": Idea,
        "person": User,
    }
    lookup = {"slug": key} if name == "community" else {"pk": key}
    target = models[name].objects.filter(**lookup).first()
    if target is None:
        raise NotFound()  # as for what exists but may not be seen: no probing
    return Status(201, actions.follow(request.auth, **{name: target}))


@router.delete("/follows/{follow_id}", response={204: None, **ERRORS}, summary="Unfollow")
def delete_follow(request: ApiRequest, follow_id: ObjectId) -> Status[None]:
    row = Follow.objects.filter(pk=follow_id, user=request.auth).first()
    if row is None:
        raise NotFound()
    actions.unfollow(request.auth, row)
    return Status(204, None)


@router.get(
    "/me/notification-settings",
    response={200: PreferenceIO, **ERRORS},
    summary="How you hear about notifications (email each, daily, weekly digest or off)",
)
def read_preferences(request: ApiRequest) -> Any:
    return _preferences(actions.preference_for(request.auth))


def _preferences(row: Any) -> dict[str, Any]:
    return {
        "email_mode": row.email_mode,
        "digest_time": row.digest_time.strftime("%H:%M"),
        "digest_weekday": row.digest_weekday,
        "timezone": row.timezone,
        "muted_kinds": row.muted_kinds,
    }


@router.put(
    "/me/notification-settings",
    response={200: PreferenceIO, **ERRORS},
    summary="Set how you hear about notifications",
)
def set_preferences(request: ApiRequest, payload: PreferenceIO) -> Any:
    return _preferences(actions.set_preferences(request.auth, **payload.dict()))
