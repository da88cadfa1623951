"""Helpers shared by the conversation tests: the counter invariant (stored
counters equal the rows), a snapshot of everything the conversation actions can
change (for "refused changes nothing"), planting many votes quickly, and the
Pol.is open data folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from cocreate.communities.models import Role
from cocreate.consensus import actions
from cocreate.consensus.models import Conversation, Participant, Statement, Vote
from cocreate.core.models import Event
from tests.communities.helpers import API, assert_error, post_json
from tests.factories import UserFactory, add_member

__all__ = ["API", "assert_error", "post_json"]

REPO = Path(__file__).resolve().parents[2]


def polis_folder() -> Path | None:
    """The Pol.is open data (outside the repository): COCREATE_POLIS_DATA, else
    <repo>/../shared/data/polis, else /work/shared/data/polis."""
    candidates = []
    if os.environ.get("COCREATE_POLIS_DATA"):
        candidates.append(Path(os.environ["COCREATE_POLIS_DATA"]))
    candidates += [REPO / ".." / "shared" / "data" / "polis", Path("/work/shared/data/polis")]
    for candidate in candidates:
        if (candidate / "london.youth.policing" / "votes.csv").is_file():
            return candidate.resolve()
    return None


def london_folder() -> Path:
    folder = polis_folder()
    if folder is None:
        pytest.skip(
            "Pol.is open data not found: set COCREATE_POLIS_DATA to the folder holding "
            "london.youth.policing (normally <repo>/../shared/data/polis)"
        )
    return folder / "london.youth.policing"


def assert_counts_exact() -> None:
    """Every stored counter equals a recount of the rows it counts."""
    wrong = []
    for s in Statement.objects.annotate(
        a=Count("votes", filter=Q(votes__value=1)),
        d=Count("votes", filter=Q(votes__value=-1)),
        p=Count("votes", filter=Q(votes__value=0)),
    ):
        if (s.agree_count, s.disagree_count, s.pass_count) != (s.a, s.d, s.p):
            wrong.append(("statement", s.pk, (s.agree_count, s.disagree_count, s.pass_count)))
    for c in Conversation.objects.all():
        real = (
            Participant.objects.filter(conversation=c).count(),
            Vote.objects.filter(conversation=c).count(),
            Statement.objects.filter(conversation=c, status="accepted").count(),
        )
        if (c.participant_count, c.vote_count, c.statement_count) != real:
            wrong.append(("conversation", c.pk, real))
    assert not wrong, f"stored counters differ from the rows: {wrong}"


def snapshot() -> dict[str, Any]:
    """Everything a conversation action may write, in a comparable form."""
    return {
        "conversations": sorted(
            Conversation.objects.values_list(
                "pk",
                "title",
                "description",
                "moderation",
                "allow_statements",
                "status",
                "participant_count",
                "vote_count",
                "statement_count",
                "version",
                "computed_version",
                "compute_queued_at",
            )
        ),
        "statements": sorted(
            Statement.objects.values_list(
                "pk",
                "body",
                "status",
                "is_meta",
                "agree_count",
                "disagree_count",
                "pass_count",
                "moderated_by_id",
            )
        ),
        "participants": sorted(Participant.objects.values_list("pk", "user_id", "external_id")),
        "votes": sorted(Vote.objects.values_list("participant_id", "statement_id", "value")),
        # (API clients make a token as they are built: not the action's doing.)
        "events": sorted(
            Event.objects.exclude(kind="account.token_created").values_list("pk", "kind")
        ),
    }


def make_voters(community: Any, n: int, role: str = Role.MEMBER, **fields: Any) -> list[Any]:
    people = []
    for i in range(n):
        user = UserFactory(**{k: (v(i) if callable(v) else v) for k, v in fields.items()})
        add_member(community, user, role)
        people.append(user)
    return people


def plant(
    conversation: Conversation,
    users: Iterable[Any],
    rule: Callable[[int, int, Statement], int | None],
    statements: list[Statement] | None = None,
) -> list[Participant]:
    """Many votes at once, straight into the tables (fast): rule(i, j, statement)
    gives voter i's vote on statement j (None: no vote). The counters are then
    recounted from the rows, and the version bumped, as an import does."""
    users = list(users)
    statements = (
        statements
        if statements is not None
        else list(conversation.statements.filter(status="accepted").order_by("pk"))
    )
    existing = {
        p.user_id: p for p in Participant.objects.filter(conversation=conversation, user__in=users)
    }
    Participant.objects.bulk_create(
        Participant(conversation=conversation, user=u) for u in users if u.pk not in existing
    )
    participants = {
        p.user_id: p for p in Participant.objects.filter(conversation=conversation, user__in=users)
    }
    start = timezone.now() - timedelta(hours=1)
    rows = []
    for i, user in enumerate(users):
        for j, statement in enumerate(statements):
            value = rule(i, j, statement)
            if value is None:
                continue
            at = start + timedelta(seconds=i * len(statements) + j)
            rows.append(
                Vote(
                    conversation=conversation,
                    statement=statement,
                    participant=participants[user.pk],
                    value=value,
                    created_at=at,
                    updated_at=at,
                )
            )
    Vote.objects.bulk_create(rows)
    actions._recount(conversation)
    conversation.refresh_from_db()
    return [participants[u.pk] for u in users]


def two_sides(i: int, j: int, _statement: Any, half: int = 10, split: int = 4) -> int:
    """Voters below `half` agree with the first `split` statements and disagree with
    the rest; the others the other way round."""
    return 1 if (i < half) == (j < split) else -1
