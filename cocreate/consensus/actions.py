"""Every write to conversations: creating and editing them, statements and their
moderation, votes, turning a challenge's top ideas into statements, and
importing a Pol.is export. Pages, the API and the CLI all call these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreate.consensus import polis
from cocreate.consensus.models import (
    STATEMENT_LENGTH,
    Conversation,
    ConversationStatus,
    ModerationMode,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from cocreate.core import events, ratelimit
from cocreate.core.errors import Conflict, Invalid, NotFound
from cocreate.core.markdown import render
from cocreate.core.permissions import can, require
from cocreate.core.validation import clean_text

TITLE_LENGTH = 200
DESCRIPTION_LENGTH = 5000
MAX_SEED_STATEMENTS = 100
# Voting is quick by design (one tap per statement); this stops scripts, not people.
VOTES_PER_MINUTE = 120
STATEMENTS_PER_HOUR = 20
# Votes that arrive within this many seconds are folded into one recomputation.
RECOMPUTE_DELAY_SECONDS = 5


def _clean_moderation(value: Any) -> str:
    if value not in ModerationMode.values:
        raise Invalid(fields={"moderation": _("Choose pre or post.")})
    return str(value)


def _clean_statement(body: Any) -> str:
    body = clean_text(body, "body", max_length=STATEMENT_LENGTH, required=True)
    return " ".join(body.split())  # one line: statements are short and shown on cards


def _attach(actor: Any, community: Any, challenge: Any, idea: Any) -> tuple[Any, Any]:
    """A conversation may be about a challenge or an idea of its community."""
    if idea is not None:
        if idea.challenge.community_id != community.pk or not can(actor, "idea.view", idea):
            raise Invalid(fields={"idea": _("Choose an idea of this community.")})
        challenge = idea.challenge
    if challenge is not None and (
        challenge.community_id != community.pk or not can(actor, "challenge.view", challenge)
    ):
        raise Invalid(fields={"challenge": _("Choose a challenge of this community.")})
    return challenge, idea


def create_conversation(
    actor: Any,
    community: Any,
    *,
    title: str,
    description: str = "",
    moderation: str = ModerationMode.POST,
    allow_statements: bool = True,
    statements: Iterable[str] = (),
    challenge: Any = None,
    idea: Any = None,
) -> Conversation:
    require(actor, "conversation.create", community)
    title = clean_text(title, "title", max_length=TITLE_LENGTH, required=True)
    description = clean_text(description, "description", max_length=DESCRIPTION_LENGTH)
    moderation = _clean_moderation(moderation)
    challenge, idea = _attach(actor, community, challenge, idea)
    seeds = _clean_seeds(statements)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            community=community,
            challenge=challenge,
            idea=idea,
            title=title,
            description=description,
            description_html=render(description),
            moderation=moderation,
            allow_statements=bool(allow_statements),
            created_by=actor,
        )
        _add_seeds(actor, conversation, seeds)
        events.record(
            "conversation.created",
            actor=actor,
            community=community,
            target=conversation,
            title=title,
            statements=len(seeds),
        )
    return conversation


def _clean_seeds(statements: Iterable[str]) -> list[str]:
    if isinstance(statements, str):
        statements = [line for line in statements.splitlines() if line.strip()]
    seeds: list[str] = []
    seen: set[str] = set()
    for i, body in enumerate(statements):
        try:
            text = _clean_statement(body)
        except Invalid as exc:
            raise Invalid(
                fields={
                    "statements": _("Statement %(n)d: %(why)s")
                    % {"n": i + 1, "why": " ".join(m for ms in exc.fields.values() for m in ms)}
                }
            ) from exc
        if text.casefold() not in seen:
            seen.add(text.casefold())
            seeds.append(text)
    if len(seeds) > MAX_SEED_STATEMENTS:
        raise Invalid(
            fields={
                "statements": _("At most %(n)d statements at once.") % {"n": MAX_SEED_STATEMENTS}
            }
        )
    return seeds


def _add_seeds(actor: Any, conversation: Conversation, seeds: list[str], ideas: Any = None) -> None:
    now = timezone.now()
    Statement.objects.bulk_create(
        Statement(
            conversation=conversation,
            body=body,
            author=actor,
            is_seed=True,
            idea=ideas[i] if ideas else None,
            status=StatementStatus.ACCEPTED,
            moderated_by=actor,
            moderated_at=now,
        )
        for i, body in enumerate(seeds)
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        statement_count=F("statement_count") + len(seeds)
    )
    conversation.refresh_from_db(fields=["statement_count"])


def edit_conversation(
    actor: Any,
    conversation: Conversation,
    *,
    title: str | None = None,
    description: str | None = None,
    moderation: str | None = None,
    allow_statements: bool | None = None,
    status: str | None = None,
) -> Conversation:
    require(actor, "conversation.manage", conversation)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = clean_text(title, "title", max_length=TITLE_LENGTH, required=True)
    if description is not None:
        text = clean_text(description, "description", max_length=DESCRIPTION_LENGTH)
        changes.update(description=text, description_html=render(text))
    if moderation is not None:
        changes["moderation"] = _clean_moderation(moderation)
    if allow_statements is not None:
        changes["allow_statements"] = bool(allow_statements)
    if status is not None:
        if status not in ConversationStatus.values:
            raise Invalid(fields={"status": _("Choose open or closed.")})
        changes["status"] = status
    if not changes:
        return conversation
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(**changes)
        events.record(
            "conversation.changed",
            actor=actor,
            community=conversation.community,
            target=conversation,
            fields=sorted(changes),
        )
    conversation.refresh_from_db()
    return conversation


def add_statement(actor: Any, conversation: Conversation, *, body: str) -> Statement:
    """Organisers' statements are accepted at once (seeds); members' wait for a
    moderator under pre-moderation and show at once under post-moderation."""
    require(actor, "statement.add", conversation)
    text = _clean_statement(body)
    organiser = can(actor, "statement.moderate", conversation)
    if not organiser:
        ratelimit.hit(f"statement:{actor.pk}", STATEMENTS_PER_HOUR, 3600)
    pending = not organiser and conversation.moderation == ModerationMode.PRE
    now = timezone.now()
    with transaction.atomic():
        # Under the conversation's row lock, so two identical statements cannot race in.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).exists()
        duplicate = (
            Statement.objects.filter(conversation=conversation, body__iexact=text)
            .exclude(status=StatementStatus.REJECTED)
            .exists()
        )
        if duplicate:
            raise Conflict(_("This statement is already in the conversation."))
        statement = Statement.objects.create(
            conversation=conversation,
            body=text,
            author=actor,
            is_seed=organiser,
            status=StatementStatus.PENDING if pending else StatementStatus.ACCEPTED,
            moderated_by=actor if organiser else None,
            moderated_at=now if organiser else None,
        )
        _participant(conversation, actor)
        if not pending:
            Conversation.objects.filter(pk=conversation.pk).update(
                statement_count=F("statement_count") + 1
            )
        events.record(
            "statement.added",
            actor=actor,
            community=conversation.community,
            target=conversation,
            statement=statement.pk,
            pending=pending,
        )
    return statement


def moderate_statement(
    actor: Any, statement: Statement, *, status: str | None = None, is_meta: bool | None = None
) -> Statement:
    """Accept or reject a statement, or mark it as meta (about the process).
    Rejected and meta statements leave the computation."""
    conversation = statement.conversation
    require(actor, "statement.moderate", conversation)
    if status is not None and status not in (StatementStatus.ACCEPTED, StatementStatus.REJECTED):
        raise Invalid(fields={"status": _("Choose accepted or rejected.")})
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        changes: dict[str, Any] = {}
        if status is not None and status != locked.status:
            changes["status"] = status
        if is_meta is not None and bool(is_meta) != locked.is_meta:
            changes["is_meta"] = bool(is_meta)
        if not changes:
            return locked
        was_listed = locked.status == StatementStatus.ACCEPTED
        now_listed = changes.get("status", locked.status) == StatementStatus.ACCEPTED
        Statement.objects.filter(pk=locked.pk).update(
            **changes, moderated_by=actor, moderated_at=timezone.now()
        )
        delta = int(now_listed) - int(was_listed)
        Conversation.objects.filter(pk=conversation.pk).update(
            statement_count=F("statement_count") + delta, version=F("version") + 1
        )
        events.record(
            "statement.moderated",
            actor=actor,
            community=conversation.community,
            target=conversation,
            statement=locked.pk,
            **{k: v for k, v in changes.items()},
        )
        transaction.on_commit(lambda: request_recompute(conversation.pk))
    statement.refresh_from_db()
    return statement


def _participant(conversation: Conversation, user: Any) -> Participant:
    participant, created = Participant.objects.get_or_create(conversation=conversation, user=user)
    if created:
        Conversation.objects.filter(pk=conversation.pk).update(
            participant_count=F("participant_count") + 1
        )
    return participant


FIELD_OF = {1: "agree_count", 0: "pass_count", -1: "disagree_count"}


def vote(actor: Any, statement: Statement, value: Any) -> Vote:
    """Agree (1), pass (0) or disagree (-1). Voting again changes the vote; the
    counters move in the same transaction, so they always equal the rows."""
    conversation = statement.conversation
    require(actor, "conversation.vote", conversation)
    if isinstance(value, bool) or value not in (-1, 0, 1):
        raise Invalid(fields={"vote": _("A vote is 1 (agree), 0 (pass) or -1 (disagree).")})
    value = int(value)
    if statement.status != StatementStatus.ACCEPTED:
        raise Conflict(_("This statement is not open for votes."))
    ratelimit.hit(f"vote:{actor.pk}", VOTES_PER_MINUTE, 60, sliding=True)
    now = timezone.now()
    with transaction.atomic():
        # Conversation row first, always: first-time and returning voters then
        # take their locks in the same order and cannot deadlock.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).exists()
        participant = _participant(conversation, actor)
        row = (
            Vote.objects.select_for_update()
            .filter(participant=participant, statement=statement)
            .first()
        )
        if row is None:
            try:
                with transaction.atomic():
                    row = Vote.objects.create(
                        conversation=conversation,
                        statement=statement,
                        participant=participant,
                        value=value,
                        created_at=now,
                        updated_at=now,
                    )
                old = None
            except IntegrityError:
                # The same person's other request got there first: change that vote.
                row = Vote.objects.select_for_update().get(
                    participant=participant, statement=statement
                )
                old = row.value
        else:
            old = row.value
        if old == value:
            return row
        if old is not None:
            Vote.objects.filter(pk=row.pk).update(value=value, updated_at=now)
            row.value, row.updated_at = value, now
            counts = {FIELD_OF[old]: F(FIELD_OF[old]) - 1, FIELD_OF[value]: F(FIELD_OF[value]) + 1}
        else:
            counts = {FIELD_OF[value]: F(FIELD_OF[value]) + 1}
        Statement.objects.filter(pk=statement.pk).update(**counts)
        Conversation.objects.filter(pk=conversation.pk).update(
            vote_count=F("vote_count") + (1 if old is None else 0), version=F("version") + 1
        )
        # Who voted is recorded for the audit trail; how they voted is not.
        events.record(
            "conversation.voted",
            actor=actor,
            community=conversation.community,
            target=conversation,
            statement=statement.pk,
            changed=old is not None,
        )
        transaction.on_commit(lambda: request_recompute(conversation.pk))
    return row


def request_recompute(conversation_id: int) -> bool:
    """Queue one recomputation for a burst of votes: only the write that sets
    `compute_queued_at` enqueues, to run a few seconds later in the task
    worker. Never computes inside the request that voted."""
    from django_tasks import default_task_backend

    from cocreate.consensus.tasks import recompute_conversation

    now = timezone.now()
    queued = Conversation.objects.filter(pk=conversation_id, compute_queued_at__isnull=True).update(
        compute_queued_at=now
    )
    if not queued:
        return False
    task = recompute_conversation
    if default_task_backend.supports_defer:
        task = task.using(run_after=now + timedelta(seconds=RECOMPUTE_DELAY_SECONDS))
    task.enqueue(conversation_id)
    return True


def statements_from_ideas(
    actor: Any,
    challenge: Any,
    *,
    count: int = 10,
    title: str = "",
    moderation: str = ModerationMode.POST,
) -> Conversation:
    """Turn a challenge's most supported ideas into a conversation's statements
    in one step: each statement is the idea's title and links back to it."""
    from cocreate.ideas.models import LISTED, Idea

    if not can(actor, "challenge.view", challenge):
        raise NotFound()
    # The challenge's staff decide which ideas go to a vote (as on the page).
    require(actor, "conversation.create", challenge.community)
    require(actor, "challenge.edit", challenge)
    if not isinstance(count, int) or isinstance(count, bool) or not 2 <= count <= 50:
        raise Invalid(fields={"count": _("Choose between 2 and 50 ideas.")})
    ideas = list(
        Idea.objects.filter(LISTED, challenge=challenge).order_by("-support_count", "pk")[:count]
    )
    if len(ideas) < 2:
        raise Conflict(_("This challenge needs at least two ideas first."))
    title = title or _("Which ideas for “%(challenge)s” do you back?") % {
        "challenge": challenge.title
    }
    seen: set[str] = set()
    picked, bodies = [], []
    for idea in ideas:
        body = " ".join(idea.title.split())[:STATEMENT_LENGTH]
        if body.casefold() not in seen:
            seen.add(body.casefold())
            picked.append(idea)
            bodies.append(body)
    with transaction.atomic():
        conversation = create_conversation(
            actor,
            challenge.community,
            title=title,
            description=_("Statements are the top ideas of the challenge “%(challenge)s”.")
            % {"challenge": challenge.title},
            moderation=moderation,
            challenge=challenge,
        )
        _add_seeds(actor, conversation, bodies, ideas=picked)
    return conversation


# -- Pol.is import --------------------------------------------------------------------


def import_polis(actor: Any, community: Any, folder: Any, *, title: str = "") -> Conversation:
    """Import a Pol.is export folder (comments.csv and votes.csv) as a closed
    conversation. Its participants have no accounts: they become anonymous
    participants numbered as in the export."""
    require(actor, "conversation.import", community)
    try:
        export = polis.read_export(folder)
    except polis.ExportError as exc:
        raise Invalid(fields={"folder": str(exc)}) from exc
    title = clean_text(
        title or export.summary.get("topic") or _("Imported conversation"),
        "title",
        max_length=TITLE_LENGTH,
        required=True,
    )[:TITLE_LENGTH]
    description = (export.summary.get("conversation-description") or "")[:DESCRIPTION_LENGTH]
    if (export.votes.participants < 0).any():
        raise Invalid(fields={"folder": _("votes.csv has a negative voter-id.")})
    known = {c.id for c in export.comments}
    strays = set(export.votes.statements.tolist()) - known
    if strays:
        raise Invalid(
            fields={
                "folder": _("votes.csv refers to statements missing from comments.csv: %(ids)s")
                % {"ids": ", ".join(map(str, sorted(strays)[:10]))}
            }
        )
    with transaction.atomic():
        conversation = Conversation.objects.create(
            community=community,
            title=title,
            description=description,
            description_html=render(description),
            allow_statements=False,
            status=ConversationStatus.CLOSED,
            created_by=actor,
            source=export.summary.get("url", "")[:200] or "Pol.is export",
        )
        ids = sorted(set(export.votes.participants.tolist()) | {c.author for c in export.comments})
        Participant.objects.bulk_create(
            Participant(conversation=conversation, external_id=pid) for pid in ids if pid >= 0
        )
        participants = dict(
            Participant.objects.filter(conversation=conversation).values_list("external_id", "pk")
        )
        statements = Statement.objects.bulk_create(
            Statement(
                conversation=conversation,
                body=" ".join(c.body.split())[:STATEMENT_LENGTH] or "—",
                author_participant_id=participants.get(c.author),
                external_id=c.id,
                status=StatementStatus.REJECTED if c.moderated == -1 else StatementStatus.ACCEPTED,
            )
            for c in sorted(export.comments, key=lambda c: c.id)
        )
        statement_pk = {s.external_id: s.pk for s in statements}
        latest: dict[tuple[int, int], tuple[int, int]] = {}
        for p, s, v, ts in zip(
            export.votes.participants.tolist(),
            export.votes.statements.tolist(),
            export.votes.values.tolist(),
            export.timestamps.tolist(),
            strict=True,
        ):
            latest[(p, s)] = (v, ts)  # sorted by time: the last one wins
        rows = []
        for (p, s), (v, ts) in latest.items():
            at = datetime.fromtimestamp(ts / 1000, tz=UTC)
            rows.append(
                Vote(
                    conversation=conversation,
                    statement_id=statement_pk[s],
                    participant_id=participants[p],
                    value=v,
                    created_at=at,
                    updated_at=at,
                )
            )
        Vote.objects.bulk_create(rows, batch_size=5000)
        _recount(conversation)
        events.record(
            "conversation.imported",
            actor=actor,
            community=community,
            target=conversation,
            participants=len(participants),
            statements=len(statements),
            votes=len(rows),
        )
        transaction.on_commit(lambda: request_recompute(conversation.pk))
    conversation.refresh_from_db()
    return conversation


def _recount(conversation: Conversation) -> None:
    """Set every counter from the rows (after a bulk import)."""
    from django.db.models import Count

    tally: dict[int, dict[str, int]] = {}
    for row in (
        Vote.objects.filter(conversation=conversation)
        .values("statement", "value")
        .annotate(n=Count("pk"))
    ):
        tally.setdefault(row["statement"], {})[FIELD_OF[row["value"]]] = row["n"]
    statements = list(Statement.objects.filter(conversation=conversation))
    for statement in statements:
        for field in FIELD_OF.values():
            setattr(statement, field, tally.get(statement.pk, {}).get(field, 0))
    Statement.objects.bulk_update(statements, list(FIELD_OF.values()), batch_size=1000)
    Conversation.objects.filter(pk=conversation.pk).update(
        participant_count=Participant.objects.filter(conversation=conversation).count(),
        vote_count=Vote.objects.filter(conversation=conversation).count(),
        statement_count=Statement.objects.filter(
            conversation=conversation, status=StatementStatus.ACCEPTED
        ).count(),
        version=F("version") + 1,
    )
