from datetime import datetime
from typing import Any, Literal, get_args

from django.db.models import QuerySet
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from cocreate.challenges.api import get_challenge
from cocreate.challenges.models import Challenge
from cocreate.communities.models import Community, Membership
from cocreate.core.api import ERRORS, PUBLIC, ApiRequest, ObjectId, Pagination, PersonOut
from cocreate.core.errors import Forbidden, Invalid, NotFound
from cocreate.core.permissions import can
from cocreate.dialogue import actions, moderation, queries
from cocreate.dialogue.models import Comment, CommentVersion, ModerationEntry
from cocreate.ideas.api import get_idea
from cocreate.ideas.models import Idea

router = Router(tags=["dialogue"])


class CommentOut(Schema):
    id: int
    idea: int | None = Field(alias="idea_id")
    update: int | None = Field(alias="update_id", description="set on comments on an update")
    challenge: int = Field(alias="challenge_id")
    parent: int | None = Field(alias="parent_id")
    depth: int
    author: PersonOut | None
    body: str
    body_html: str
    official: bool
    status: str = Field(description="visible, deleted, hidden (pending review) or removed")
    deleted: bool
    accepted_answer: int | None = Field(alias="accepted_answer_id")
    reply_count: int
    reactions: dict[str, int]
    my_reactions: list[str]
    version_count: int
    created_at: datetime
    edited_at: datetime | None

    # Only a visible comment shows its text: a deleted, hidden or removed one is
    # a placeholder in every response.
    @staticmethod
    def resolve_author(obj: Comment) -> Any:
        return obj.author if obj.visible else None

    @staticmethod
    def resolve_body(obj: Comment) -> str:
        return obj.body if obj.visible else ""

    @staticmethod
    def resolve_body_html(obj: Comment) -> str:
        return obj.body_html if obj.visible else ""

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
        Comment.objects.select_related(
            "author", "challenge__community__parent", "idea", "update", "root"
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise NotFound()
    if comment.idea is not None:
        comment.idea.challenge = comment.challenge
    if not can(request.auth, "comment.view", comment.idea or comment.challenge):
        raise NotFound()
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


def post_on(request: ApiRequest, target: queries.Discussed, payload: CommentIn) -> Status[Comment]:
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
    return post_on(request, get_idea(request, idea_id), payload)


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
    return post_on(request, get_challenge(request, challenge_id), payload)


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
    if not comment.visible:
        raise NotFound()
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


# --- moderation ----------------------------------------------------------------------------

Reason = Literal["spam", "abuse", "privacy", "off_topic", "other"]


class FlagIn(Schema):
    reason: Reason
    note: str = Field("", max_length=1000)


class FlagOut(Schema):
    id: int
    comment: int | None = Field(alias="comment_id")
    idea: int | None = Field(alias="idea_id")
    reason: str
    note: str
    counts: bool = Field(description="whether it weighs toward hiding the content")
    created_at: datetime


class DecisionIn(Schema):
    decision: Literal["restore", "remove"]
    reason: str = Field("", max_length=2000)


class ModeratedOut(Schema):
    id: int
    kind: str
    status: str


class QueueItemOut(Schema):
    id: int
    kind: str
    status: str
    title: str
    body: str
    author: PersonOut | None
    flags: list[FlagOut]
    created_at: datetime


class QueueOut(Schema):
    comments: list[QueueItemOut]
    ideas: list[QueueItemOut]


class EntryOut(Schema):
    id: int
    action: str
    actor: PersonOut | None
    subject: PersonOut | None
    comment: int | None = Field(alias="comment_id")
    idea: int | None = Field(alias="idea_id")
    reason: str
    until: datetime | None
    created_at: datetime


class SanctionIn(Schema):
    kind: Literal["mute", "ban"]
    days: int | None = Field(None, ge=1, le=3650, description="empty: until lifted")
    reason: str = Field(max_length=2000)


class SanctionOut(Schema):
    user: int = Field(alias="user_id")
    muted_until: datetime | None
    banned_until: datetime | None


@router.post(
    "/comments/{comment_id}/flag",
    response={201: FlagOut, **ERRORS},
    summary="Report a comment to the moderators (one report per member)",
)
def flag_comment(request: ApiRequest, comment_id: ObjectId, payload: FlagIn) -> Status[Any]:
    comment = get_comment(request, comment_id)
    return Status(201, moderation.flag(request.auth, comment, **payload.dict()))


@router.post(
    "/ideas/{idea_id}/flag",
    response={201: FlagOut, **ERRORS},
    summary="Report an idea to the moderators (one report per member)",
)
def flag_idea(request: ApiRequest, idea_id: ObjectId, payload: FlagIn) -> Status[Any]:
    idea = get_idea(request, idea_id)
    return Status(201, moderation.flag(request.auth, idea, **payload.dict()))


def get_object_or_404_api(slug: str) -> Community:
    community = Community.objects.select_related("parent").filter(slug=slug).first()
    if community is None:
        raise NotFound()
    return community


def _moderated(request: ApiRequest, community: Community) -> Community:
    if not can(request.auth, "community.view", community):
        raise NotFound()
    if not can(request.auth, "content.moderate", community):
        raise Forbidden()
    return community


def _item(obj: Comment | Idea) -> dict[str, Any]:
    is_comment = isinstance(obj, Comment)
    return {
        "id": obj.pk,
        "kind": "comment" if is_comment else "idea",
        "status": obj.status if isinstance(obj, Comment) else obj.moderation,
        "title": "" if isinstance(obj, Comment) else obj.title,
        "body": obj.body,
        "author": obj.author,
        "flags": obj.open_flags,  # type: ignore[union-attr]
        "created_at": obj.created_at,
    }


@router.get(
    "/communities/{slug}/moderation/queue",
    response={200: QueueOut, **ERRORS},
    summary="Hidden content and content with open reports (moderators)",
)
def moderation_queue(request: ApiRequest, slug: str) -> dict[str, Any]:
    community = _moderated(request, get_object_or_404_api(slug))
    found = queries.moderation_queue(community)
    return {key: [_item(obj) for obj in items] for key, items in found.items()}


@router.post(
    "/comments/{comment_id}/moderation",
    response={200: ModeratedOut, **ERRORS},
    summary="Restore or remove a comment (moderators; a reason is required to remove)",
)
def moderate_comment(request: ApiRequest, comment_id: ObjectId, payload: DecisionIn) -> Any:
    comment = Comment.objects.select_related("community").filter(pk=comment_id).first()
    if comment is None:
        raise NotFound()
    _moderated(request, comment.community)
    moderation.decide(request.auth, comment, **payload.dict())
    return {"id": comment.pk, "kind": "comment", "status": comment.status}


@router.post(
    "/ideas/{idea_id}/moderation",
    response={200: ModeratedOut, **ERRORS},
    summary="Restore or remove an idea (moderators; a reason is required to remove)",
)
def moderate_idea(request: ApiRequest, idea_id: ObjectId, payload: DecisionIn) -> Any:
    idea = Idea.objects.select_related("challenge__community").filter(pk=idea_id).first()
    if idea is None:
        raise NotFound()
    _moderated(request, idea.challenge.community)
    moderation.decide(request.auth, idea, **payload.dict())
    return {"id": idea.pk, "kind": "idea", "status": idea.moderation}


@router.get(
    "/communities/{slug}/moderation/log",
    response={200: list[EntryOut], **ERRORS},
    summary="The moderation audit log, newest first (moderators)",
)
@paginate(Pagination)
def moderation_log(request: ApiRequest, slug: str) -> Any:
    community = _moderated(request, get_object_or_404_api(slug))
    return ModerationEntry.objects.filter(community=community).select_related("actor", "subject")


def _membership(request: ApiRequest, slug: str, user_id: int) -> Membership:
    community = _moderated(request, get_object_or_404_api(slug))
    membership = (
        Membership.objects.select_related("user", "community")
        .filter(community=community, user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


@router.put(
    "/communities/{slug}/members/{user_id}/sanction",
    response={200: SanctionOut, **ERRORS},
    summary="Mute (may read, not write) or ban (may not take part) a member",
)
def sanction(request: ApiRequest, slug: str, user_id: ObjectId, payload: SanctionIn) -> Any:
    return moderation.sanction(request.auth, _membership(request, slug, user_id), **payload.dict())


@router.delete(
    "/communities/{slug}/members/{user_id}/sanction/{kind}",
    response={200: SanctionOut, **ERRORS},
    summary="Lift a mute or a ban",
)
def lift_sanction(
    request: ApiRequest, slug: str, user_id: ObjectId, kind: Literal["mute", "ban"]
) -> Any:
    return moderation.lift(request.auth, _membership(request, slug, user_id), kind=kind)
