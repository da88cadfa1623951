"""Votes arriving at the same moment: the counters move with F() in the voting
transaction and one row per (participant, statement) is enforced by the unique
constraint, so after any burst the counters equal the rows exactly. Each thread
has its own database connection (run on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from cocreate.accounts.models import User
from cocreate.consensus import actions
from cocreate.consensus.models import Conversation, Participant, Statement, Vote
from cocreate.core.errors import ActionError, Conflict
from tests.consensus.helpers import assert_counts_exact, make_voters
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

N = 12
ROUNDS = 2


def fresh_statement(pk: int) -> Statement:
    return Statement.objects.select_related("conversation__community").get(pk=pk)


def vote_fresh(user_pk: int, statement_pk: int, value: int) -> Any:
    """As a request would: the voter and the statement loaded in this thread."""
    try:
        return actions.vote(User.objects.get(pk=user_pk), fresh_statement(statement_pk), value)
    except ActionError as exc:
        return exc


def test_many_people_voting_on_one_statement_at_once(conversation, community):
    people = make_voters(community, N)
    statement = conversation.statements.first()

    results = run_at_once(N, lambda i: vote_fresh(people[i].pk, statement.pk, (i % 3) - 1))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    statement.refresh_from_db()
    assert Vote.objects.filter(statement=statement).count() == N
    assert (statement.agree_count, statement.pass_count, statement.disagree_count) == (4, 4, 4)
    conversation.refresh_from_db()
    assert conversation.vote_count == N and conversation.participant_count == N
    assert conversation.version == N
    assert_counts_exact()


def test_one_person_voting_many_times_at_once_keeps_one_vote(conversation, member):
    statement = conversation.statements.first()
    values = [1, -1, 0, 1, -1, 0, 1, -1]

    results = run_at_once(len(values), lambda i: vote_fresh(member.pk, statement.pk, values[i]))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    [row] = Vote.objects.filter(statement=statement)
    assert row.value in (-1, 0, 1)
    statement.refresh_from_db()
    assert statement.agree_count + statement.disagree_count + statement.pass_count == 1
    assert Participant.objects.filter(conversation=conversation).count() == 1
    conversation.refresh_from_db()
    assert conversation.vote_count == 1 and conversation.participant_count == 1
    assert_counts_exact()


def test_one_person_voting_on_every_statement_at_once_is_one_participant(conversation, member):
    statements = list(conversation.statements.order_by("pk"))

    results = run_at_once(len(statements), lambda i: vote_fresh(member.pk, statements[i].pk, 1))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    assert Participant.objects.filter(conversation=conversation).count() == 1
    assert Vote.objects.filter(conversation=conversation).count() == len(statements)
    conversation.refresh_from_db()
    assert conversation.participant_count == 1 and conversation.vote_count == len(statements)
    assert_counts_exact()


def test_people_changing_their_votes_at_once(conversation, community):
    people = make_voters(community, N // 2)
    statements = list(conversation.statements.order_by("pk"))
    statement = statements[0]
    # Everyone has taken part before (so no new participant rows are made here).
    for person in people:
        actions.vote(person, statements[1], 0)
    # Each person sends two different votes at the same moment.
    jobs = [(p.pk, v) for p in people for v in (1, -1)]

    results = run_at_once(len(jobs), lambda i: vote_fresh(jobs[i][0], statement.pk, jobs[i][1]))

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    assert Vote.objects.filter(statement=statement).count() == len(people)
    assert Vote.objects.values("participant", "statement").distinct().count() == 2 * len(people)
    conversation.refresh_from_db()
    assert conversation.vote_count == 2 * len(people)
    assert conversation.participant_count == len(people)
    assert_counts_exact()


def test_first_time_and_returning_voters_at_once(conversation, community):
    statements = list(conversation.statements.order_by("pk"))
    errors: list[BaseException] = []
    for round_ in range(ROUNDS):
        returning = make_voters(community, N // 2)
        for person in returning:
            actions.vote(person, statements[-1], 0)
        newcomers = make_voters(community, N // 2)
        jobs = [p.pk for pair in zip(returning, newcomers, strict=True) for p in pair]
        target = statements[round_ % (len(statements) - 1)]

        results = run_at_once(
            len(jobs), lambda i, t=target, jobs=jobs: vote_fresh(jobs[i], t.pk, 1)
        )

        errors += [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    assert_counts_exact()


def test_the_same_statement_added_at_once_is_added_once(conversation, community):
    people = make_voters(community, 6)

    def work(i: int) -> Any:
        try:
            return actions.add_statement(
                User.objects.get(pk=people[i].pk),
                Conversation.objects.select_related("community").get(pk=conversation.pk),
                body="Everyone thought of this at once",
            )
        except ActionError as exc:
            return exc

    results = run_at_once(len(people), work)

    assert sum(isinstance(r, Statement) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == len(people) - 1, results
    assert Statement.objects.filter(body="Everyone thought of this at once").count() == 1
    assert_counts_exact()
