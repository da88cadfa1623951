"""API of idea updates: authors' progress posts, and their discussions."""

from datetime import datetime
from typing import Any

from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from cocreate.core.api import ERRORS, PUBLIC, ApiRequest, ObjectId, Pagination, PersonOut
from cocreate.core.errors import NotFound
from cocreate.core.permissions import can
from cocreate.dialogue import queries, updates
from cocreate.dialogue.api import AnnotatedPagination, CommentIn, CommentOut, post_on
from cocreate.dialogue.models import Comment, IdeaUpdate
from cocreate.ideas.api import get_idea

router = Router(tags=["updates"])


class UpdateOut(Schema):
    id: int
    idea: int = Field(alias="idea_id")
    author: PersonOut | None
    title: str
    body: str
    body_html: str
    comment_count: int
    created_at: datetime
    edited_at: datetime | None


class UpdateIn(Schema):
    title: str = Field(max_length=updates.TITLE_LENGTH)
    body: str = Field(max_length=updates.BODY_LENGTH)


class UpdateRemoval(Schema):
    reason: str = Field("", max_length=1000)


def get_update(request: ApiRequest, update_id: int) -> IdeaUpdate:
    update = (
        IdeaUpdate.objects.select_related("idea__challenge__community__parent", "author")
        .filter(pk=update_id)
        .first()
    )
    if update is None or not can(request.auth, "update.view", update):
        raise NotFound()
    return update


@router.get(
    "/ideas/{idea_id}/updates",
    auth=PUBLIC,
    response={200: list[UpdateOut], **ERRORS},
    summary="An idea's updates from its authors, newest first",
)
@paginate(Pagination)
def list_updates(request: ApiRequest, idea_id: ObjectId) -> Any:
    return queries.updates_of(get_idea(request, idea_id))


@router.post(
    "/ideas/{idea_id}/updates",
    response={201: UpdateOut, **ERRORS},
    summary="Post an update (the idea's authors); its followers are notified",
)
def post_update(request: ApiRequest, idea_id: ObjectId, payload: UpdateIn) -> Status[IdeaUpdate]:
    update = updates.post_update(request.auth, get_idea(request, idea_id), **payload.dict())
    return Status(201, update)


@router.get("/updates/{update_id}", auth=PUBLIC, response={200: UpdateOut, **ERRORS})
def read_update(request: ApiRequest, update_id: ObjectId) -> IdeaUpdate:
    return get_update(request, update_id)


@router.patch(
    "/updates/{update_id}",
    response={200: UpdateOut, **ERRORS},
    summary="Edit your update (marked as edited)",
)
def edit_update(request: ApiRequest, update_id: ObjectId, payload: UpdateIn) -> IdeaUpdate:
    return updates.edit_update(request.auth, get_update(request, update_id), **payload.dict())


@router.delete(
    "/updates/{update_id}",
    response={204: None, **ERRORS},
    summary="Delete your update, or remove one as a moderator (with a reason)",
)
def delete_update(
    request: ApiRequest, update_id: ObjectId, payload: UpdateRemoval | None = None
) -> Status[None]:
    reason = payload.reason if payload is not None else ""
    updates.delete_update(request.auth, get_update(request, update_id), reason=reason)
    return Status(204, None)


@router.get(
    "/updates/{update_id}/comments",
    auth=PUBLIC,
    response={200: list[CommentOut], **ERRORS},
    summary="Comments on an update, oldest first (build threads from `parent`)",
)
@paginate(AnnotatedPagination)
def update_comments(request: ApiRequest, update_id: ObjectId) -> Any:
    return queries.comments_of(get_update(request, update_id)).order_by("created_at", "pk")


@router.post(
    "/updates/{update_id}/comments",
    response={201: CommentOut, **ERRORS},
    summary="Comment on an update (`parent` to reply)",
)
def comment_on_update(
    request: ApiRequest, update_id: ObjectId, payload: CommentIn
) -> Status[Comment]:
    return post_on(request, get_update(request, update_id), payload)
