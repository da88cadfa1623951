"""API of conversations: statements, votes, the next statement to vote on, the
report (aggregates only), Pol.is import and export."""

from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field, StrictInt

from cocreate.challenges.api import get_challenge
from cocreate.challenges.models import Challenge
from cocreate.communities.api import _community
from cocreate.consensus import actions, exchange, queries
from cocreate.consensus.compute import GROUP_LABELS
from cocreate.consensus.models import (
    STATEMENT_LENGTH,
    Conversation,
    Statement,
    StatementStatus,
    Vote,
)
from cocreate.core.api import ERRORS, PUBLIC, ApiRequest, ObjectId, Pagination, PersonOut
from cocreate.core.errors import Invalid, NotFound
from cocreate.core.permissions import can, require
from cocreate.ideas.models import Idea

router = Router(tags=["conversations"])


class ConversationOut(Schema):
    id: int
    community: str
    challenge: int | None = Field(None, alias="challenge_id")
    idea: int | None = Field(None, alias="idea_id")
    title: str
    description: str
    description_html: str
    moderation: str = Field(description="pre or post: when members' statements are reviewed")
    allow_statements: bool
    status: str
    created_by: PersonOut | None
    created_at: datetime
    participant_count: int
    vote_count: int
    statement_count: int
    computed_at: datetime | None
    stale: bool = Field(description="Votes arrived after the report was computed")

    @staticmethod
    def resolve_community(obj: Conversation) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_stale(obj: Conversation) -> bool:
        return obj.is_stale


class ConversationIn(Schema):
    title: str = Field(max_length=actions.TITLE_LENGTH)
    description: str = Field("", max_length=actions.DESCRIPTION_LENGTH)
    moderation: str = Field("post", description="pre or post")
    allow_statements: bool = True
    statements: list[str] = Field(
        default_factory=list, max_length=actions.MAX_SEED_STATEMENTS, description="Seeds"
    )
    challenge: int | None = Field(None, ge=1, le=2**53)
    idea: int | None = Field(None, ge=1, le=2**53)


class ConversationPatch(Schema):
    title: str | None = Field(None, max_length=actions.TITLE_LENGTH)
    description: str | None = Field(None, max_length=actions.DESCRIPTION_LENGTH)
    moderation: str | None = None
    allow_statements: bool | None = None
    status: str | None = Field(None, description="open or closed")


class StatementOut(Schema):
    id: int
    body: str
    status: str
    is_meta: bool
    is_seed: bool
    idea: int | None = Field(None, alias="idea_id")
    agree_count: int
    disagree_count: int
    pass_count: int
    created_at: datetime


class StatementIn(Schema):
    body: str = Field(max_length=STATEMENT_LENGTH)


class StatementPatch(Schema):
    status: str | None = Field(None, description="accepted or rejected")
    is_meta: bool | None = None


class VoteIn(Schema):
    statement: StrictInt = Field(ge=1, le=2**53)
    vote: StrictInt = Field(description="1 agree, 0 pass, -1 disagree")


class VoteOut(Schema):
    statement: int
    vote: int
    updated_at: datetime


class NextOut(Schema):
    statement: StatementOut | None
    voted: int
    total: int


class FromIdeasIn(Schema):
    count: int = Field(10, ge=2, le=50)
    title: str = Field("", max_length=actions.TITLE_LENGTH)
    moderation: str = "post"


class Tally(Schema):
    votes: int
    agree: int = Field(description="percent")
    disagree: int = Field(description="percent")
    pass_: int = Field(alias="pass", description="percent")


class RepresentativeOut(Tally):
    statement: int
    body: str
    kind: str = Field(description="agree or disagree: how this group differs")


class GroupOut(Schema):
    id: int
    label: str
    size: int
    center: list[float]
    representative: list[RepresentativeOut]


class GroupTally(Tally):
    label: str


class CommonGroundOut(Schema):
    statement: int
    body: str
    score: float = Field(description="group-informed consensus")
    groups: list[GroupTally]


class ConsensusOut(Schema):
    statement: int
    body: str
    p: float
    votes: int


class DayOut(Schema):
    day: str
    votes: int
    participants: int


class ReportOut(Schema):
    conversation: int
    computed_at: datetime | None
    stale: bool
    participants: int
    placed: int
    votes: int
    groups: list[GroupOut]
    unshown: int = Field(description="Members of groups too small to show separately")
    points: list[list[float]] = Field(description="[x, y, group] per placed participant")
    my_point: int | None = Field(None, description="Index of your own point, if placed")
    common_ground: list[CommonGroundOut]
    consensus_agree: list[ConsensusOut]
    consensus_disagree: list[ConsensusOut]
    timeline: list[DayOut]


def get_conversation(request: ApiRequest, conversation_id: int) -> Conversation:
    conversation = (
        Conversation.objects.select_related(
            "community__parent", "challenge__community", "idea__challenge__community", "created_by"
        )
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None or not can(request.auth, "conversation.view", conversation):
        raise NotFound()
    return conversation


def get_statement(request: ApiRequest, statement_id: int) -> Statement:
    statement = Statement.objects.filter(pk=statement_id).first()
    if statement is None:
        raise NotFound()
    conversation = get_conversation(request, statement.conversation_id)
    if statement.status != StatementStatus.ACCEPTED and not can(
        request.auth, "statement.moderate", conversation
    ):
        raise NotFound()
    statement.conversation = conversation
    return statement


def report_data(conversation: Conversation, user: Any) -> dict[str, Any]:
    """The report with statement texts joined in, and the viewer's own point."""
    report = conversation.report or {}
    statements = queries.statements_by_id(conversation, report)

    def body(pk: int) -> str:
        statement = statements.get(pk)
        return statement.body if statement is not None else ""

    participant = queries.participant_of(conversation, user)
    mine = conversation.rows.get(str(participant.pk)) if participant is not None else None
    return {
        "conversation": conversation.pk,
        "computed_at": conversation.computed_at,
        "stale": conversation.is_stale,
        "participants": report.get("participants", 0),
        "placed": report.get("placed", 0),
        "votes": report.get("votes", 0),
        "groups": [
            {
                **g,
                "representative": [
                    {**r, "body": body(r["statement"])} for r in g["representative"]
                ],
            }
            for g in report.get("groups", [])
        ],
        "unshown": report.get("unshown", 0),
        "points": report.get("points", []),
        "my_point": mine,
        "common_ground": [
            {
                **r,
                "body": body(r["statement"]),
                "groups": [{**t, "label": GROUP_LABELS[i]} for i, t in enumerate(r["groups"])],
            }
            for r in report.get("common_ground", [])
        ],
        "consensus_agree": [
            {**r, "body": body(r["statement"])}
            for r in report.get("consensus", {}).get("agree", [])
        ],
        "consensus_disagree": [
            {**r, "body": body(r["statement"])}
            for r in report.get("consensus", {}).get("disagree", [])
        ],
        "timeline": report.get("timeline", []),
    }


@router.get(
    "/communities/{slug}/conversations",
    auth=PUBLIC,
    response={200: list[ConversationOut], **ERRORS},
    summary="Conversations of a community, open ones first",
)
@paginate(Pagination)
def list_conversations(request: ApiRequest, slug: str) -> Any:
    return queries.for_community(_community(request, slug), request.auth)


@router.post(
    "/communities/{slug}/conversations",
    response={201: ConversationOut, **ERRORS},
    summary="Start a conversation with seed statements (staff, or members if allowed)",
)
def create_conversation(
    request: ApiRequest, slug: str, payload: ConversationIn
) -> Status[Conversation]:
    community = _community(request, slug)
    data = payload.dict()
    challenge_id, idea_id = data.pop("challenge"), data.pop("idea")
    challenge = idea = None
    if challenge_id is not None:
        challenge = Challenge.objects.filter(pk=challenge_id).first()
        if challenge is None:
            raise Invalid(fields={"challenge": _("Choose a challenge of this community.")})
    if idea_id is not None:
        idea = Idea.objects.select_related("challenge").filter(pk=idea_id).first()
        if idea is None:
            raise Invalid(fields={"idea": _("Choose an idea of this community.")})
    conversation = actions.create_conversation(
        request.auth, community, challenge=challenge, idea=idea, **data
    )
    return Status(201, get_conversation(request, conversation.pk))


@router.post(
    "/communities/{slug}/conversations/import",
    response={201: ConversationOut, **ERRORS},
    summary="Import a Pol.is export (comments.csv and votes.csv) as a closed conversation",
)
def import_conversation(
    request: ApiRequest,
    slug: str,
    comments: File[UploadedFile],
    votes: File[UploadedFile],
    title: Form[str] = "",
) -> Status[Conversation]:
    community = _community(request, slug)
    conversation = exchange.import_uploads(
        request.auth,
        community,
        {"comments.csv": comments, "votes.csv": votes},
        title=title[: actions.TITLE_LENGTH],
    )
    return Status(201, get_conversation(request, conversation.pk))


@router.post(
    "/challenges/{challenge_id}/conversation",
    response={201: ConversationOut, **ERRORS},
    summary="Turn the challenge's most supported ideas into a conversation (staff)",
)
def conversation_from_ideas(
    request: ApiRequest, challenge_id: ObjectId, payload: FromIdeasIn
) -> Status[Conversation]:
    conversation = actions.statements_from_ideas(
        request.auth, get_challenge(request, challenge_id), **payload.dict()
    )
    return Status(201, get_conversation(request, conversation.pk))


@router.get(
    "/conversations/{conversation_id}",
    auth=PUBLIC,
    response={200: ConversationOut, **ERRORS},
)
def read_conversation(request: ApiRequest, conversation_id: ObjectId) -> Conversation:
    return get_conversation(request, conversation_id)


@router.patch(
    "/conversations/{conversation_id}",
    response={200: ConversationOut, **ERRORS},
    summary="Change a conversation; `status: closed` stops voting",
)
def edit_conversation(
    request: ApiRequest, conversation_id: ObjectId, payload: ConversationPatch
) -> Conversation:
    conversation = get_conversation(request, conversation_id)
    actions.edit_conversation(request.auth, conversation, **payload.dict(exclude_unset=True))
    return get_conversation(request, conversation_id)


@router.get(
    "/conversations/{conversation_id}/statements",
    auth=PUBLIC,
    response={200: list[StatementOut], **ERRORS},
    summary="Statements open for votes; moderators also see pending and rejected ones",
)
@paginate(Pagination)
def list_statements(request: ApiRequest, conversation_id: ObjectId) -> Any:
    conversation = get_conversation(request, conversation_id)
    rows = Statement.objects.filter(conversation=conversation).order_by("pk")
    if not can(request.auth, "statement.moderate", conversation):
        rows = rows.filter(status=StatementStatus.ACCEPTED)
    return rows


@router.post(
    "/conversations/{conversation_id}/statements",
    response={201: StatementOut, **ERRORS},
    summary="Add a statement (pre-moderated conversations hold it for review)",
)
def add_statement(
    request: ApiRequest, conversation_id: ObjectId, payload: StatementIn
) -> Status[Statement]:
    conversation = get_conversation(request, conversation_id)
    return Status(201, actions.add_statement(request.auth, conversation, body=payload.body))


@router.patch(
    "/statements/{statement_id}",
    response={200: StatementOut, **ERRORS},
    summary="Moderate a statement: accept, reject, or mark as meta",
)
def moderate_statement(
    request: ApiRequest, statement_id: ObjectId, payload: StatementPatch
) -> Statement:
    statement = get_statement(request, statement_id)
    return actions.moderate_statement(request.auth, statement, **payload.dict(exclude_unset=True))


@router.get(
    "/conversations/{conversation_id}/next",
    response={200: NextOut, **ERRORS},
    summary="The next statement for you to vote on (chosen by priority), or null",
)
def next_statement(request: ApiRequest, conversation_id: ObjectId) -> dict[str, Any]:
    conversation = get_conversation(request, conversation_id)
    participant = queries.participant_of(conversation, request.auth)
    voted, total = queries.progress(conversation, participant)
    statement = None
    if can(request.auth, "conversation.vote", conversation):
        statement = queries.next_statement(conversation, participant)
    return {"statement": statement, "voted": voted, "total": total}


@router.post(
    "/conversations/{conversation_id}/votes",
    response={200: VoteOut, **ERRORS},
    summary="Vote on a statement; voting again changes your vote",
)
def cast_vote(request: ApiRequest, conversation_id: ObjectId, payload: VoteIn) -> dict[str, Any]:
    conversation = get_conversation(request, conversation_id)
    statement = Statement.objects.filter(pk=payload.statement, conversation=conversation).first()
    if statement is None:
        raise Invalid(fields={"statement": _("No such statement in this conversation.")})
    statement.conversation = conversation
    row = actions.vote(request.auth, statement, payload.vote)
    return {"statement": statement.pk, "vote": row.value, "updated_at": row.updated_at}


@router.get(
    "/conversations/{conversation_id}/votes/mine",
    response={200: list[VoteOut], **ERRORS},
    summary="Your own votes (nobody else can see them)",
)
def my_votes(request: ApiRequest, conversation_id: ObjectId) -> list[dict[str, Any]]:
    conversation = get_conversation(request, conversation_id)
    participant = queries.participant_of(conversation, request.auth)
    if participant is None:
        return []
    return [
        {"statement": s, "vote": v, "updated_at": at}
        for s, v, at in Vote.objects.filter(participant=participant)
        .order_by("statement_id")
        .values_list("statement_id", "value", "updated_at")
    ]


@router.get(
    "/conversations/{conversation_id}/report",
    auth=PUBLIC,
    response={200: ReportOut, **ERRORS},
    summary="Opinion groups, what sets them apart, common ground (aggregates only)",
)
def report(request: ApiRequest, conversation_id: ObjectId) -> dict[str, Any]:
    conversation = get_conversation(request, conversation_id)
    return report_data(conversation, request.auth)


@router.get(
    "/conversations/{conversation_id}/export",
    response={200: None, **ERRORS},
    summary="Download the conversation as a Pol.is-format zip (staff)",
)
def export(request: ApiRequest, conversation_id: ObjectId) -> HttpResponse:
    conversation = get_conversation(request, conversation_id)
    require(request.auth, "conversation.export", conversation)
    response = HttpResponse(exchange.export_zip(request.auth, conversation))
    response["Content-Type"] = "application/zip"
    response["Content-Disposition"] = f'attachment; filename="conversation-{conversation.pk}.zip"'
    return response
