from datetime import datetime
from typing import Any

from django.db.models import Q
from ninja import File, Form, Path, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from cocreate.accounts.models import User
from cocreate.challenges.api import get_challenge
from cocreate.communities.models import Community
from cocreate.core.api import ERRORS, PUBLIC, ApiRequest, ObjectId, Pagination, PersonOut
from cocreate.core.errors import Invalid, NotFound
from cocreate.core.permissions import can, require
from cocreate.ideas import actions, queries
from cocreate.ideas.models import (
    CoAuthor,
    Idea,
    IdeaImage,
    IdeaVersion,
    Merge,
    StageChange,
    Support,
)

router = Router(tags=["ideas"])


class ImageOut(Schema):
    id: int
    url: str
    width: int
    height: int
    alt: str

    @staticmethod
    def resolve_url(obj: IdeaImage) -> str:
        return str(obj.image.url)


class ImageIn(Schema):
    alt: str = Field(max_length=200)


class IdeaOut(Schema):
    id: int
    challenge: int = Field(alias="challenge_id")
    title: str
    body: str
    body_html: str
    stage: str
    support_count: int
    comment_count: int
    authors: list[PersonOut]
    parent: int | None = Field(alias="parent_id")
    resubmission_of: int | None = Field(alias="resubmission_of_id")
    tags: list[str]
    language: str
    images: list[ImageOut]
    terms_version: int | None
    ladder_level: int
    ladder_target: int | None
    deadline_at: datetime | None
    ladder_completed_at: datetime | None
    review_at: datetime | None
    response_due_at: datetime | None
    version_count: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_body_html(obj: Idea) -> str:
        return str(obj.rendered_body)

    @staticmethod
    def resolve_authors(obj: Idea) -> list[Any]:
        coauthors = getattr(obj, "accepted_coauthors", None)
        if coauthors is None:
            coauthors = list(obj.coauthors.filter(status="accepted").select_related("user"))
        people = [obj.author] if obj.author else []
        return people + [c.user for c in coauthors]

    @staticmethod
    def resolve_images(obj: Idea) -> list[Any]:
        return list(obj.images.all())

    @staticmethod
    def resolve_terms_version(obj: Idea) -> int | None:
        return obj.terms_version.number if obj.terms_version is not None else None

    @staticmethod
    def resolve_review_at(obj: Idea) -> datetime | None:
        return obj.review_window.review_at if obj.review_window is not None else None


class IdeaIn(Schema):
    title: str = Field(max_length=160)
    body: str = Field(max_length=50_000)
    tags: list[str] = Field(default_factory=list, max_length=8)
    language: str = Field("en", max_length=10)
    accept_terms: bool = False
    parent: int | None = Field(None, ge=1, le=2**53, description="remix of this idea")
    resubmission_of: int | None = Field(None, ge=1, le=2**53)


class IdeaPatch(Schema):
    title: str | None = Field(None, max_length=160)
    body: str | None = Field(None, max_length=50_000)
    tags: list[str] | None = Field(None, max_length=8)


class SupportIn(Schema):
    answers: dict[str, str] = Field(default_factory=dict)


class SupportOut(Schema):
    idea: int
    support_count: int
    supported: bool


class StageIn(Schema):
    stage: str = Field(max_length=20)
    reason: str = Field("", max_length=5000)
    conversation: int | None = Field(
        None, ge=1, le=2**53, description="A conversation whose report backs the decision"
    )


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    reason: str = Field(alias="reason_text", description="in the request's language")
    actor: PersonOut | None
    automatic: bool
    conversation: int | None = Field(None, alias="conversation_id")
    created_at: datetime


class DecisionOut(StageChangeOut):
    idea: int = Field(alias="idea_id")
    idea_title: str

    @staticmethod
    def resolve_idea_title(obj: StageChange) -> str:
        return obj.idea.title


class VersionOut(Schema):
    number: int
    title: str
    body: str
    tags: list[str]
    material: bool
    editor: PersonOut | None
    created_at: datetime


class CoAuthorIn(Schema):
    user_id: int = Field(ge=1, le=2**53)


class CoAuthorOut(Schema):
    user: PersonOut
    status: str
    created_at: datetime


class AnswerIn(Schema):
    accept: bool


class LadderStep(Schema):
    threshold: int = Field(ge=1, le=10_000_000)
    days: int = Field(ge=1, le=3650)


class LadderOut(Schema):
    steps: list[LadderStep]


class AnswerSummary(Schema):
    question: str
    answered: int
    mean: float | None = None
    median: float | None = None


def get_idea(request: ApiRequest, idea_id: int) -> Idea:
    idea = (
        queries.with_related(
            Idea.objects.select_related(
                "challenge",
                "challenge__community",
                "challenge__community__parent",
                "author",
                "terms_version",
                "review_window",
            )
        )
        .filter(pk=idea_id)
        .first()
    )
    if idea is None or not can(request.auth, "idea.view", idea):
        raise NotFound()
    return idea


def _related(request: ApiRequest, idea_id: int | None, field: str) -> Idea | None:
    if idea_id is None:
        return None
    try:
        return get_idea(request, idea_id)
    except NotFound as exc:
        raise Invalid(fields={field: "That idea does not exist."}) from exc


@router.get(
    "/challenges/{challenge_id}/ideas",
    auth=PUBLIC,
    response={200: list[IdeaOut], **ERRORS},
    summary="Ideas of a challenge: sort=hot|top|new|discussed, filter by stage, tag, language, q",
)
@paginate(Pagination)
def list_ideas(
    request: ApiRequest,
    challenge_id: ObjectId,
    sort: str = Query("hot", pattern="^(hot|top|new|discussed)$"),
    stage: str = Query("", max_length=20),
    tag: str = Query("", max_length=30),
    language: str = Query("", max_length=10),
    q: str = Query("", max_length=200),
) -> Any:
    challenge = get_challenge(request, challenge_id)
    return queries.with_related(
        queries.idea_list(
            challenge, sort=sort, stage=stage, tag=tag, language=language, q=q
        ).select_related("terms_version", "review_window")
    )


@router.post(
    "/challenges/{challenge_id}/ideas",
    response={201: IdeaOut, **ERRORS},
    summary='Submit an idea (with "accept_terms": true when the challenge has terms)',
)
def submit_idea(request: ApiRequest, challenge_id: ObjectId, payload: IdeaIn) -> Status[Idea]:
    challenge = get_challenge(request, challenge_id)
    data = payload.dict()
    data["parent"] = _related(request, data.pop("parent"), "parent")
    data["resubmission_of"] = _related(request, data.pop("resubmission_of"), "resubmission_of")
    idea = actions.submit_idea(request.auth, challenge, **data)
    return Status(201, get_idea(request, idea.pk))


class SimilarOut(Schema):
    id: int
    title: str
    stage: str
    support_count: int
    score: float


@router.get(
    "/ideas/similar",
    auth=PUBLIC,
    response={200: list[SimilarOut], **ERRORS},
    summary="The 5 existing ideas of a challenge most similar to a text",
)
def similar(
    request: ApiRequest,
    challenge: int = Query(..., ge=1, le=2**53),
    text: str = Query(..., min_length=1, max_length=5000),
    exclude: int | None = Query(None, ge=1, le=2**53),
) -> list[dict[str, Any]]:
    found = queries.similar_ideas(get_challenge(request, challenge), text, exclude=exclude)
    return [
        {
            "id": idea.pk,
            "title": idea.title,
            "stage": idea.stage,
            "support_count": idea.support_count,
            "score": round(score, 4),
        }
        for idea, score in found
    ]


@router.get("/ideas/{idea_id}", auth=PUBLIC, response={200: IdeaOut, **ERRORS})
def read_idea(request: ApiRequest, idea_id: ObjectId) -> Idea:
    return get_idea(request, idea_id)


@router.patch(
    "/ideas/{idea_id}",
    response={200: IdeaOut, **ERRORS},
    summary="Edit (authors and co-authors); every edit is a new version",
)
def edit_idea(request: ApiRequest, idea_id: ObjectId, payload: IdeaPatch) -> Idea:
    idea = get_idea(request, idea_id)
    actions.edit_idea(request.auth, idea, **payload.dict(exclude_unset=True))
    return get_idea(request, idea_id)


@router.post("/ideas/{idea_id}/support", response={201: SupportOut, **ERRORS})
def support(
    request: ApiRequest, idea_id: ObjectId, payload: SupportIn | None = None
) -> Status[dict[str, Any]]:
    idea = get_idea(request, idea_id)
    actions.support(request.auth, idea, answers=payload.answers if payload else None)
    return Status(201, {"idea": idea.pk, "support_count": idea.support_count, "supported": True})


@router.delete("/ideas/{idea_id}/support", response={200: SupportOut, **ERRORS})
def withdraw_support(request: ApiRequest, idea_id: ObjectId) -> dict[str, Any]:
    idea = get_idea(request, idea_id)
    actions.withdraw_support(request.auth, idea)
    return {"idea": idea.pk, "support_count": idea.support_count, "supported": False}


@router.post(
    "/ideas/{idea_id}/stage",
    response={200: IdeaOut, **ERRORS},
    summary="Move an idea to another stage with a public reason (staff)",
)
def change_stage(request: ApiRequest, idea_id: ObjectId, payload: StageIn) -> Idea:
    idea = get_idea(request, idea_id)
    actions.change_stage(
        request.auth,
        idea,
        stage=payload.stage,
        reason=payload.reason,
        conversation=payload.conversation,
    )
    return get_idea(request, idea_id)


@router.post(
    "/ideas/{idea_id}/images",
    response={201: list[ImageOut], **ERRORS},
    summary="Add pictures (multipart: one or more `images` files and an optional `alt`); "
    "at most 6 per idea",
)
def add_images(
    request: ApiRequest,
    idea_id: ObjectId,
    images: File[list[UploadedFile]],
    alt: Form[str] = "",
) -> Status[list[IdeaImage]]:
    idea = get_idea(request, idea_id)
    return Status(201, actions.add_images(request.auth, idea, images, alt=alt))


def _image(request: ApiRequest, idea_id: int, image_id: int) -> IdeaImage:
    idea = get_idea(request, idea_id)
    image = IdeaImage.objects.filter(idea=idea, pk=image_id).first()
    if image is None:
        raise NotFound()
    image.idea = idea
    return image


@router.patch(
    "/ideas/{idea_id}/images/{image_id}",
    response={200: ImageOut, **ERRORS},
    summary="Describe a picture (its alt text)",
)
def describe_image(
    request: ApiRequest, idea_id: ObjectId, image_id: ObjectId, payload: ImageIn
) -> IdeaImage:
    return actions.describe_image(request.auth, _image(request, idea_id, image_id), alt=payload.alt)


@router.delete(
    "/ideas/{idea_id}/images/{image_id}",
    response={200: list[ImageOut], **ERRORS},
    summary="Remove a picture; returns the pictures left",
)
def remove_image(request: ApiRequest, idea_id: ObjectId, image_id: ObjectId) -> list[IdeaImage]:
    image = _image(request, idea_id, image_id)
    actions.remove_image(request.auth, image)
    return list(IdeaImage.objects.filter(idea_id=idea_id))


@router.get(
    "/ideas/{idea_id}/history",
    auth=PUBLIC,
    response={200: list[StageChangeOut], **ERRORS},
    summary="Stage changes with who, when and why",
)
@paginate(Pagination)
def history(request: ApiRequest, idea_id: ObjectId) -> Any:
    return queries.timeline(get_idea(request, idea_id))


@router.get("/ideas/{idea_id}/versions", auth=PUBLIC, response={200: list[VersionOut], **ERRORS})
@paginate(Pagination)
def versions(request: ApiRequest, idea_id: ObjectId) -> Any:
    return IdeaVersion.objects.filter(idea=get_idea(request, idea_id)).select_related("editor")


@router.get(
    "/ideas/{idea_id}/lineage",
    auth=PUBLIC,
    response={200: dict[str, Any], **ERRORS},
    summary="The remix tree: ancestors and every remix below the root",
)
def lineage(request: ApiRequest, idea_id: ObjectId) -> dict[str, Any]:
    return queries.lineage(get_idea(request, idea_id))


@router.get("/ideas/{idea_id}/coauthors", auth=PUBLIC, response={200: list[CoAuthorOut], **ERRORS})
@paginate(Pagination)
def list_coauthors(request: ApiRequest, idea_id: ObjectId) -> Any:
    idea = get_idea(request, idea_id)
    qs = CoAuthor.objects.filter(idea=idea).select_related("user")
    # Pending invitations are the author's business (and staff's); others see the credits.
    if not (
        can(request.auth, "idea.invite_coauthor", idea)
        or can(request.auth, "idea.change_stage", idea)
    ):
        qs = qs.filter(Q(status="accepted") | Q(user_id=request.auth.pk))
    return qs


@router.post(
    "/ideas/{idea_id}/coauthors",
    response={201: CoAuthorOut, **ERRORS},
    summary="Invite a member to co-author (the author)",
)
def invite_coauthor(
    request: ApiRequest, idea_id: ObjectId, payload: CoAuthorIn
) -> Status[CoAuthor]:
    idea = get_idea(request, idea_id)
    require(request.auth, "idea.invite_coauthor", idea)
    user = User.objects.filter(pk=payload.user_id, is_active=True).first()
    if user is None:
        raise Invalid(fields={"user_id": "No such member."})
    return Status(201, actions.invite_coauthor(request.auth, idea, user))


@router.post(
    "/ideas/{idea_id}/coauthors/answer",
    response={200: SupportOut, **ERRORS},
    summary="Accept or decline your invitation to co-author",
)
def answer_coauthorship(request: ApiRequest, idea_id: ObjectId, payload: AnswerIn) -> Any:
    idea = get_idea(request, idea_id)
    actions.answer_coauthorship(request.auth, idea, accept=payload.accept)
    idea.refresh_from_db()
    return {
        "idea": idea.pk,
        "support_count": idea.support_count,
        "supported": Support.objects.filter(idea=idea, user=request.auth).exists(),
    }


class MergeIn(Schema):
    into: int = Field(ge=1, le=2**53, description="the idea that absorbs this duplicate")
    reason: str = Field("", max_length=5000)


class MergeOut(Schema):
    id: int
    source: int = Field(alias="source_id")
    target: int = Field(alias="target_id")
    reason: str
    moved_supports: int
    created_at: datetime
    undone_at: datetime | None

    @staticmethod
    def resolve_moved_supports(obj: Merge) -> int:
        return len(obj.moved_user_ids)


@router.post(
    "/ideas/{idea_id}/merge",
    response={201: MergeOut, **ERRORS},
    summary="Merge this duplicate into another idea (staff); supports move over once",
)
def merge(request: ApiRequest, idea_id: ObjectId, payload: MergeIn) -> Status[Merge]:
    source = get_idea(request, idea_id)
    target = _related(request, payload.into, "into")
    assert target is not None
    return Status(201, actions.merge_ideas(request.auth, source, target, reason=payload.reason))


@router.post(
    "/merges/{merge_id}/undo",
    response={200: MergeOut, **ERRORS},
    summary="Undo a merge: the copied supports leave, the duplicate is restored",
)
def undo_merge(request: ApiRequest, merge_id: ObjectId) -> Merge:
    merge = Merge.objects.select_related("source__challenge__community").filter(pk=merge_id).first()
    if merge is None or not can(request.auth, "idea.view", merge.source):
        raise NotFound()
    return actions.undo_merge(request.auth, merge)


@router.get(
    "/ideas/{idea_id}/merges",
    auth=PUBLIC,
    response={200: list[MergeOut], **ERRORS},
    summary="Merges into and out of this idea",
)
@paginate(Pagination)
def merges(request: ApiRequest, idea_id: ObjectId) -> Any:
    idea = get_idea(request, idea_id)
    return Merge.objects.filter(Q(source=idea) | Q(target=idea)).order_by("-created_at", "-pk")


@router.get(
    "/ideas/{idea_id}/supporter-answers",
    response={200: list[AnswerSummary], **ERRORS},
    summary="Aggregated answers to the supporter questions (staff)",
)
def supporter_answers(request: ApiRequest, idea_id: ObjectId) -> Any:
    idea = get_idea(request, idea_id)
    require(request.auth, "idea.view_supporter_answers", idea)
    return queries.supporter_answers(idea)


@router.get(
    "/challenges/{challenge_id}/decisions",
    auth=PUBLIC,
    response={200: list[DecisionOut], **ERRORS},
    summary="The decision log: every stage change with its reason",
)
@paginate(Pagination)
def decisions(request: ApiRequest, challenge_id: ObjectId) -> Any:
    return queries.decision_log(get_challenge(request, challenge_id))


@router.get("/communities/{slug}/ladder", auth=PUBLIC, response={200: LadderOut, **ERRORS})
def read_ladder(request: ApiRequest, slug: str) -> dict[str, Any]:
    from cocreate.ideas.models import ladder_steps

    community = Community.objects.filter(slug=slug).first()
    if community is None or not can(request.auth, "community.view", community):
        raise NotFound()
    return {"steps": ladder_steps(community)}


@router.put(
    "/communities/{slug}/ladder",
    response={200: LadderOut, **ERRORS},
    summary="Set the support ladder (thresholds with days)",
)
def set_ladder(request: ApiRequest, slug: str, payload: LadderOut) -> dict[str, Any]:
    community = Community.objects.filter(slug=slug).first()
    if community is None or not can(request.auth, "community.view", community):
        raise NotFound()
    row = actions.set_ladder(request.auth, community, [s.dict() for s in payload.steps])
    return {"steps": row.steps}


class StageIO(Schema):
    key: str = Field(max_length=20, pattern=r"^[a-z][a-z0-9_]{1,19}$")
    name: str = Field(max_length=60)
    colour: str = Field("teal", max_length=10)
    follows: list[str] = Field(max_length=30)
    leads_to: list[str] = Field(default_factory=list, max_length=30)


class FlowOut(Schema):
    stages: dict[str, str] = Field(description="stage key -> its label")
    flow: dict[str, list[str]] = Field(description="stage key -> the stages it may move to")
    custom: list[StageIO]


def _flow(community: Community) -> dict[str, Any]:
    from cocreate.ideas.models import CustomStage, stage_flow, stage_labels

    return {
        "stages": stage_labels(community),
        "flow": {k: sorted(v) for k, v in stage_flow(community).items()},
        "custom": list(CustomStage.objects.filter(community=community)),
    }


def _visible_community(request: ApiRequest, slug: str) -> Community:
    community = Community.objects.select_related("parent").filter(slug=slug).first()
    if community is None or not can(request.auth, "community.view", community):
        raise NotFound()
    return community


@router.get(
    "/communities/{slug}/stages",
    auth=PUBLIC,
    response={200: FlowOut, **ERRORS},
    summary="The pipeline: built-in and custom stages and which may follow which",
)
def stages(request: ApiRequest, slug: str) -> dict[str, Any]:
    return _flow(_visible_community(request, slug))


@router.post(
    "/communities/{slug}/stages",
    response={201: FlowOut, **ERRORS},
    summary="Add a custom stage (community staff)",
)
def define_stage(request: ApiRequest, slug: str, payload: StageIO) -> Status[dict[str, Any]]:
    community = _visible_community(request, slug)
    actions.define_stage(request.auth, community, **payload.dict())
    return Status(201, _flow(community))


@router.delete(
    "/communities/{slug}/stages/{key}",
    response={200: FlowOut, **ERRORS},
    summary="Remove a custom stage that no idea is in",
)
def remove_stage(
    request: ApiRequest, slug: str, key: str = Path(..., max_length=20)
) -> dict[str, Any]:
    community = _visible_community(request, slug)
    actions.remove_stage(request.auth, community, key)
    return _flow(community)
