"""The conversation flow end to end through pages and the API: start one with
seeds, members vote one statement at a time (htmx), add statements, and the
report is computed by the task after the votes."""

from __future__ import annotations

import pytest

from cocreate.communities.models import Role
from cocreate.consensus import actions
from cocreate.consensus.models import Conversation, Statement, StatementStatus, Vote
from tests.conftest import client_for
from tests.factories import UserFactory, add_member

SEEDS = [f"Statement number {i} about the park" for i in range(10)]


@pytest.fixture
def conversation(owner, community) -> Conversation:
    return actions.create_conversation(
        owner, community, title="What should the park become?", statements=SEEDS
    )


def make_voters(community, n):
    people = []
    for i in range(n):
        user = UserFactory(display_name=f"Voter {i}")
        add_member(community, user, Role.MEMBER)
        people.append(user)
    return people


def test_pages_vote_and_report(
    conversation, community, member, owner, django_capture_on_commit_callbacks
):
    client = client_for(member)
    page = client.get(f"/conversations/{conversation.pk}/")
    assert page.status_code == 200
    assert b"0 of 10 voted" in page.content
    statement = page.context["statement"]
    answer = client.post(
        f"/conversations/{conversation.pk}/vote/",
        {"statement": statement.pk, "vote": "1"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert b"1 of 10 voted" in answer.content
    assert answer.context["statement"].pk != statement.pk
    statement.refresh_from_db()
    assert statement.agree_count == 1
    # Split the room in two: half agree with the first five, the others disagree.
    voters = make_voters(community, 20)
    statements = list(Statement.objects.filter(conversation=conversation))
    ballots = [
        (voter, s, 1 if (i < 10) == (j < 5) else -1)
        for i, voter in enumerate(voters)
        for j, s in enumerate(statements)
    ]
    for voter, s, side in ballots[:-1]:
        actions.vote(voter, s, side)
    # The last vote's commit queues the recomputation, which the task runs.
    with django_capture_on_commit_callbacks(execute=True):
        actions.vote(*ballots[-1])
    conversation.refresh_from_db()
    assert conversation.vote_count == 201
    assert conversation.computed_version == conversation.version  # the task ran
    report = client.get(f"/conversations/{conversation.pk}/report/")
    assert report.status_code == 200
    assert len(conversation.report["groups"]) == 2
    assert b"<svg" in report.content
    data = client.get(f"/api/v1/conversations/{conversation.pk}/report").json()
    assert [g["size"] for g in data["groups"]] in ([10, 10], [11, 10], [10, 11])
    assert len(data["points"]) == 20 + (1 if data["my_point"] is not None else 0)


def test_api_vote_change_keeps_counts(conversation, member, api_client):
    client = api_client(member)
    statement = conversation.statements.first()
    url = f"/api/v1/conversations/{conversation.pk}/votes"
    for value in (1, -1, 0, 0):
        answer = client.post(url, {"statement": statement.pk, "vote": value}, "application/json")
        assert answer.status_code == 200, answer.content
    statement.refresh_from_db()
    assert (statement.agree_count, statement.disagree_count, statement.pass_count) == (0, 0, 1)
    assert Vote.objects.filter(statement=statement).count() == 1
    bad = client.post(url, {"statement": statement.pk, "vote": 2}, "application/json")
    assert bad.status_code == 422
    assert "vote" in bad.json()["error"]["fields"]


def test_pre_moderation(conversation, owner, member):
    actions.edit_conversation(owner, conversation, moderation="pre")
    statement = actions.add_statement(member, conversation, body="A brand new view")
    assert statement.status == StatementStatus.PENDING
    client = client_for(owner)
    assert b"A brand new view" in client.get(f"/conversations/{conversation.pk}/manage/").content
    client.post(f"/statements/{statement.pk}/moderate/", {"do": "accept"})
    statement.refresh_from_db()
    assert statement.status == StatementStatus.ACCEPTED


def test_outsider_cannot_vote(conversation, outsider, api_client):
    statement = conversation.statements.first()
    answer = api_client(outsider).post(
        f"/api/v1/conversations/{conversation.pk}/votes",
        {"statement": statement.pk, "vote": 1},
        "application/json",
    )
    assert answer.status_code == 403
    assert not Vote.objects.exists()
