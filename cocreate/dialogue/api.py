from datetime import datetime
from typing import Any, Literal, get_args

from django.db.models import QuerySet
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from cocreate.challenges.api import get_challenge
from cocreate.challenges.models import Challenge
from cocreate.core.api import ERRORS, PUBLIC, ApiRequest, ObjectId, Pagination, PersonOut
from cocreate.core.errors import Invalid, NotFound
from cocreate.core.permissions import can
from cocreate.dialogue import actions, queries
from cocreate.dialogue.models import Comment, CommentVersion
from cocreate.ideas.api import get_idea
from cocreate.ideas.models import Idea

router = Router(tags=["dialogue"])


class CommentOut(Schema):
    id: int
    idea: int | None = Field(alias="idea_id")
    challenge: int = Field(alias="challenge_id")
    parent: int | None = Field(alias="parent_id")
    depth: int
    author: PersonOut | None
    body: str
    body_html: str
    official: bool
    deleted: bool
    accepted_answer: int | None = Field(alias="accepted_answer_id")
    reply_count: int
    reactions: dict[str, int]
    my_reactions: list[str]
    version_count: int
    created_at: datetime
    edited_at: datetime | None

    @staticmethod
    def resolve_reactions(obj: Comment) -> dict[str, int]:
        return getattr(obj, "reaction_counts", {})

    @staticmethod
    def resolve_my_reactions(obj: Comment) -> list[str]:
        return sorted(getattr(obj, "my_reactions", set()))


class CommentIn(Schema):
    body: str = Field(max_length=actions.MAX_LENGTH)
    parent: int | None = Field(None, ge=1, le=2**53)
    official: bool = False


class CommentPatch(Schema):
    body: str = Field(max_length=actions.MAX_LENGTH)


# The fixed set, as an enum in the schema (kept equal to ReactionKind by a test).
Kind = Literal["thumbs_up", "heart", "idea", "party", "thinking"]


class ReactionIn(Schema):
    kind: Kind


class VersionOut(Schema):
    number: int
    body: str
    editor: PersonOut | None
    created_at: datetime


class AcceptIn(Schema):
    accept: bool = True


def _with_reactions(request: ApiRequest, comments: list[Comment]) -> list[Comment]:
    queries.annotate_reactions(comments, request.auth)
    return comments


def get_comment(request: ApiRequest, comment_id: int) -> Comment:
    comment = (
        Comment.objects.select_related("author", "challenge__community__parent", "idea", "root")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or not can(request.auth, "comment.view", comment.challenge):
        raise NotFound()
    if comment.idea is not None:
        comment.idea.challenge = comment.challenge
    return comment


def _parent(request: ApiRequest, parent_id: int | None) -> Comment | None:
    if parent_id is None:
        return None
    try:
        return get_comment(request, parent_id)
    except NotFound as exc:
        raise Invalid(fields={"parent": "That comment does not exist."}) from exc


def _list(request: ApiRequest, target: Idea | Challenge) -> QuerySet[Comment]:
    return queries.comments_of(target).order_by("created_at", "pk")


def _post(request: ApiRequest, target: Idea | Challenge, payload: CommentIn) -> Status[Comment]:
    comment = actions.post_comment(
        request.auth,
        target,
        body=payload.body,
        parent=_parent(request, payload.parent),
        official=payload.official,
    )
    return Status(201, _with_reactions(request, [get_comment(request, comment.pk)])[0])


class AnnotatedPagination(Pagination):
    """Pages of comments carry their reaction counts (two queries per page)."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["items"] = _with_reactions(request, list(result["items"]))
        return result


@router.get(
    "/ideas/{idea_id}/comments",
    auth=PUBLIC,
    response={200: list[CommentOut], **ERRORS},
    summary="Comments on an idea, oldest first (build threads from `parent`)",
)
@paginate(AnnotatedPagination)
def idea_comments(request: ApiRequest, idea_id: ObjectId) -> Any:
    return _list(request, get_idea(request, idea_id))


@router.post(
    "/ideas/{idea_id}/comments",
    response={201: CommentOut, **ERRORS},
    summary="Comment on an idea (`parent` to reply; `official` for staff and employees)",
)
def comment_on_idea(request: ApiRequest, idea_id: ObjectId, payload: CommentIn) -> Status[Comment]:
    return _post(request, get_idea(request, idea_id), payload)


@router.get(
    "/challenges/{challenge_id}/comments",
    auth=PUBLIC,
    response={200: list[CommentOut], **ERRORS},
    summary="Comments on a challenge itself, oldest first",
)
@paginate(AnnotatedPagination)
def challenge_comments(request: ApiRequest, challenge_id: ObjectId) -> Any:
    return _list(request, get_challenge(request, challenge_id))


@router.post(
    "/challenges/{challenge_id}/comments",
    response={201: CommentOut, **ERRORS},
    summary="Comment on a challenge (`parent` to reply; `official` for staff and employees)",
)
def comment_on_challenge(
    request: ApiRequest, challenge_id: ObjectId, payload: CommentIn
) -> Status[Comment]:
    return _post(request, get_challenge(request, challenge_id), payload)


@router.get("/comments/{comment_id}", auth=PUBLIC, response={200: CommentOut, **ERRORS})
def read_comment(request: ApiRequest, comment_id: ObjectId) -> Comment:
    return _with_reactions(request, [get_comment(request, comment_id)])[0]


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentOut, **ERRORS},
    summary="Edit your comment; earlier versions are kept",
)
def edit_comment(request: ApiRequest, comment_id: ObjectId, payload: CommentPatch) -> Comment:
    comment = actions.edit_comment(
        request.auth, get_comment(request, comment_id), body=payload.body
    )
    return _with_reactions(request, [comment])[0]


class DeletedOut(Schema):
    id: int
    placeholder: bool


@router.delete(
    "/comments/{comment_id}",
    response={200: DeletedOut, **ERRORS},
    summary="Delete your comment (a placeholder stays when it has replies)",
)
def delete_comment(request: ApiRequest, comment_id: ObjectId) -> dict[str, Any]:
    placeholder = actions.delete_comment(request.auth, get_comment(request, comment_id))
    return {"id": comment_id, "placeholder": placeholder}


@router.get(
    "/comments/{comment_id}/versions",
    auth=PUBLIC,
    response={200: list[VersionOut], **ERRORS},
    summary="Every version of a comment, newest first",
)
@paginate(Pagination)
def comment_versions(request: ApiRequest, comment_id: ObjectId) -> Any:
    comment = get_comment(request, comment_id)
    return CommentVersion.objects.filter(comment=comment).select_related("editor")


@router.post(
    "/comments/{comment_id}/reactions",
    response={201: CommentOut, **ERRORS},
    summary="React to a comment: " + ", ".join(get_args(Kind)),
)
def react(request: ApiRequest, comment_id: ObjectId, payload: ReactionIn) -> Status[Comment]:
    comment = get_comment(request, comment_id)
    actions.react(request.auth, comment, payload.kind)
    return Status(201, _with_reactions(request, [comment])[0])


@router.delete(
    "/comments/{comment_id}/reactions/{kind}",
    response={200: CommentOut, **ERRORS},
    summary="Take a reaction back",
)
def unreact(request: ApiRequest, comment_id: ObjectId, kind: Kind) -> Comment:
    comment = get_comment(request, comment_id)
    actions.unreact(request.auth, comment, kind)
    return _with_reactions(request, [comment])[0]


@router.post(
    "/comments/{comment_id}/accept",
    response={200: CommentOut, **ERRORS},
    summary="Mark a reply as the answer to your question (accept=false unmarks); "
    "returns the question",
)
def accept_answer(request: ApiRequest, comment_id: ObjectId, payload: AcceptIn) -> Comment:
    comment = get_comment(request, comment_id)
    root = actions.accept_answer(request.auth, comment, accept=payload.accept)
    return _with_reactions(request, [get_comment(request, root.pk)])[0]
