from datetime import datetime
from typing import Any

from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from cocreate.challenges import actions
from cocreate.challenges.models import Challenge, TermsVersion
from cocreate.communities.models import Community
from cocreate.core.api import ERRORS, PUBLIC, ApiRequest, ObjectId, Pagination, PersonOut
from cocreate.core.errors import NotFound
from cocreate.core.markdown import render
from cocreate.core.permissions import can

router = Router(tags=["challenges"])


class PhaseIO(Schema):
    kind: str = Field(max_length=12)
    starts_at: datetime
    ends_at: datetime | None = None


class TermsOut(Schema):
    number: int
    non_confidential: bool
    ip_owner: str
    usage: str
    minimum_age: int
    text: str
    created_at: datetime


class TermsIn(Schema):
    usage: str = Field(max_length=5000)
    ip_owner: str = "contributor"
    minimum_age: int = Field(16, ge=0, le=99)
    text: str = Field("", max_length=50_000)
    non_confidential: bool = True


class JurorIO(Schema):
    user_id: int = Field(ge=1, le=2**53)
    role: str = Field(max_length=100)


class JurorOut(Schema):
    user: PersonOut
    role: str


class PrizeIO(Schema):
    title: str = Field(max_length=160)
    description: str = Field("", max_length=2000)
    points: int | None = Field(None, ge=0, le=10_000_000)


class WindowIO(Schema):
    cutoff_at: datetime
    review_at: datetime


class ChallengeOut(Schema):
    id: int
    community: str
    title: str
    type: str
    status: str
    is_idea_box: bool
    brief: str
    what_we_need: str
    success_criteria: str
    brief_html: str
    owner: PersonOut | None
    uses_ladder: bool
    supporter_questions: list[str]
    response_days: int | None
    idea_count: int
    current_phase: str | None
    phases: list[PhaseIO]
    terms: TermsOut | None
    jury: list[JurorOut]
    prizes: list[PrizeIO]
    review_windows: list[WindowIO]
    cover_url: str | None
    published_at: datetime | None

    @staticmethod
    def resolve_community(obj: Challenge) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_brief_html(obj: Challenge) -> str:
        return str(render(obj.brief))

    @staticmethod
    def resolve_current_phase(obj: Challenge) -> str | None:
        return obj.current_phase()

    @staticmethod
    def resolve_phases(obj: Challenge) -> list[Any]:
        return obj.phase_list()

    @staticmethod
    def resolve_terms(obj: Challenge) -> TermsVersion | None:
        return obj.current_terms()

    @staticmethod
    def resolve_jury(obj: Challenge) -> list[Any]:
        return list(obj.jury.select_related("user"))

    @staticmethod
    def resolve_prizes(obj: Challenge) -> list[Any]:
        return list(obj.prizes.all())

    @staticmethod
    def resolve_review_windows(obj: Challenge) -> list[Any]:
        return list(obj.review_windows.all())

    @staticmethod
    def resolve_cover_url(obj: Challenge) -> str | None:
        return obj.cover.url if obj.cover else None


class ChallengeIn(Schema):
    title: str = Field(max_length=160)
    type: str = "product_idea"
    brief: str = Field("", max_length=50_000)
    what_we_need: str = Field("", max_length=20_000)
    success_criteria: str = Field("", max_length=20_000)
    owner_id: int | None = Field(None, ge=1, le=2**53)
    uses_ladder: bool = True
    supporter_questions: list[str] = Field(default_factory=list, max_length=5)
    response_days: int | None = Field(None, ge=1, le=365)


class ChallengePatch(Schema):
    title: str | None = Field(None, max_length=160)
    type: str | None = None
    brief: str | None = Field(None, max_length=50_000)
    what_we_need: str | None = Field(None, max_length=20_000)
    success_criteria: str | None = Field(None, max_length=20_000)
    owner_id: int | None = Field(None, ge=1, le=2**53)
    uses_ladder: bool | None = None
    supporter_questions: list[str] | None = Field(None, max_length=5)
    response_days: int | None = Field(None, ge=1, le=365)


def _community(request: ApiRequest, slug: str) -> Community:
    community = Community.objects.select_related("parent").filter(slug=slug).first()
    if community is None or not can(request.auth, "community.view", community):
        raise NotFound()
    return community


def get_challenge(request: ApiRequest, challenge_id: int) -> Challenge:
    challenge = (
        Challenge.objects.select_related("community", "community__parent", "owner")
        .filter(pk=challenge_id)
        .first()
    )
    # Drafts look missing to everyone but the community's staff.
    if challenge is None or not can(request.auth, "challenge.view", challenge):
        raise NotFound()
    return challenge


@router.get(
    "/communities/{slug}/challenges",
    auth=PUBLIC,
    response={200: list[ChallengeOut], **ERRORS},
    summary="Challenges of a community (drafts only for its staff)",
)
@paginate(Pagination)
def list_challenges(request: ApiRequest, slug: str) -> Any:
    community = _community(request, slug)
    qs = Challenge.objects.filter(community=community).select_related("community", "owner")
    if not can(request.auth, "challenge.create", community):
        qs = qs.filter(status="published")
    return qs.order_by("-is_idea_box", "-published_at", "-pk")


@router.post(
    "/communities/{slug}/challenges",
    response={201: ChallengeOut, **ERRORS},
    summary="Create a draft challenge (community staff)",
)
def create_challenge(request: ApiRequest, slug: str, payload: ChallengeIn) -> Status[Challenge]:
    challenge = actions.create_challenge(request.auth, _community(request, slug), **payload.dict())
    return Status(201, challenge)


@router.get("/challenges/{challenge_id}", auth=PUBLIC, response={200: ChallengeOut, **ERRORS})
def read_challenge(request: ApiRequest, challenge_id: ObjectId) -> Challenge:
    return get_challenge(request, challenge_id)


@router.patch("/challenges/{challenge_id}", response={200: ChallengeOut, **ERRORS})
def update_challenge(
    request: ApiRequest, challenge_id: ObjectId, payload: ChallengePatch
) -> Challenge:
    challenge = get_challenge(request, challenge_id)
    return actions.update_challenge(request.auth, challenge, **payload.dict(exclude_unset=True))


@router.put(
    "/challenges/{challenge_id}/phases",
    response={200: ChallengeOut, **ERRORS},
    summary="Replace the phases (submission, support, review, decision, delivery)",
)
def set_phases(request: ApiRequest, challenge_id: ObjectId, payload: list[PhaseIO]) -> Challenge:
    challenge = get_challenge(request, challenge_id)
    actions.set_phases(request.auth, challenge, [p.dict() for p in payload])
    return challenge


@router.post(
    "/challenges/{challenge_id}/terms",
    response={201: TermsOut, **ERRORS},
    summary="Publish the next version of the terms",
)
def publish_terms(
    request: ApiRequest, challenge_id: ObjectId, payload: TermsIn
) -> Status[TermsVersion]:
    challenge = get_challenge(request, challenge_id)
    return Status(201, actions.publish_terms(request.auth, challenge, **payload.dict()))


@router.put("/challenges/{challenge_id}/jury", response={200: ChallengeOut, **ERRORS})
def set_jury(request: ApiRequest, challenge_id: ObjectId, payload: list[JurorIO]) -> Challenge:
    challenge = get_challenge(request, challenge_id)
    actions.set_jury(request.auth, challenge, [j.dict() for j in payload])
    return challenge


@router.put("/challenges/{challenge_id}/prizes", response={200: ChallengeOut, **ERRORS})
def set_prizes(request: ApiRequest, challenge_id: ObjectId, payload: list[PrizeIO]) -> Challenge:
    challenge = get_challenge(request, challenge_id)
    actions.set_prizes(request.auth, challenge, [p.dict() for p in payload])
    return challenge


@router.put("/challenges/{challenge_id}/review-windows", response={200: ChallengeOut, **ERRORS})
def set_review_windows(
    request: ApiRequest, challenge_id: ObjectId, payload: list[WindowIO]
) -> Challenge:
    challenge = get_challenge(request, challenge_id)
    actions.set_review_windows(request.auth, challenge, [w.dict() for w in payload])
    return challenge


@router.post("/challenges/{challenge_id}/publish", response={200: ChallengeOut, **ERRORS})
def publish(request: ApiRequest, challenge_id: ObjectId) -> Challenge:
    return actions.publish_challenge(request.auth, get_challenge(request, challenge_id))
