"""The report's computation: debounced (one queued task for a burst of votes),
the stale flag, the safety net for lost tasks, an older computation never
overwriting a newer one, groups too small to show, and the next statement drawn
by priority."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from cocreate.consensus import actions, compute, engine, queries, tasks
from cocreate.consensus.models import Conversation, Statement
from cocreate.core.schedule import JOBS
from tests.consensus.helpers import API, make_voters, plant, two_sides

pytestmark = pytest.mark.django_db


class FakeTask:
    """Stands in for the recompute task: records what was enqueued, runs nothing."""

    def __init__(self) -> None:
        self.enqueued: list[tuple] = []

    def using(self, **_options):
        return self

    def enqueue(self, *args):
        self.enqueued.append(args)


@pytest.fixture
def fake_task(monkeypatch) -> FakeTask:
    fake = FakeTask()
    monkeypatch.setattr(tasks, "recompute_conversation", fake)
    return fake


def test_a_burst_of_votes_queues_one_recomputation(conversation, fake_task):
    assert actions.request_recompute(conversation.pk) is True
    conversation.refresh_from_db()
    assert conversation.compute_queued_at is not None
    for _ in range(5):
        assert actions.request_recompute(conversation.pk) is False
    assert fake_task.enqueued == [(conversation.pk,)]
    # The computation clears the flag as it starts: the next vote queues the next one.
    compute.recompute(conversation.pk)
    conversation.refresh_from_db()
    assert conversation.compute_queued_at is None
    assert actions.request_recompute(conversation.pk) is True
    assert fake_task.enqueued == [(conversation.pk,), (conversation.pk,)]


def test_votes_queue_the_recomputation_after_commit(
    conversation, community, fake_task, django_capture_on_commit_callbacks
):
    a, b, c = make_voters(community, 3)
    statements = list(conversation.statements.all())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.vote(a, statements[0], 1)
        actions.vote(b, statements[0], -1)
        actions.vote(c, statements[1], 0)
    assert len(callbacks) >= 3
    assert fake_task.enqueued == [(conversation.pk,)]


def test_the_task_computes_the_report_right_after_the_votes(
    conversation, community, django_capture_on_commit_callbacks
):
    """Tests run tasks immediately: after the commit, the report is current."""
    voter = make_voters(community, 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        actions.vote(voter, conversation.statements.first(), 1)
    conversation.refresh_from_db()
    assert conversation.version == 1 == conversation.computed_version
    assert conversation.compute_queued_at is None and conversation.computed_at is not None
    assert conversation.report["votes"] == 1 and conversation.report["participants"] == 1
    assert conversation.compute_seconds is not None and conversation.compute_seconds >= 0


def test_an_empty_conversation_computes_an_empty_report(conversation):
    report = compute.recompute(conversation.pk).report
    assert report["participants"] == report["placed"] == report["votes"] == 0
    assert report["groups"] == [] and report["points"] == [] and report["common_ground"] == []
    assert compute.recompute(10**9) is None


def test_the_stale_flag(conversation, community, member, api_client):
    client = api_client(member)
    url = f"{API}/conversations/{conversation.pk}"
    assert client.get(url).json()["stale"] is False
    actions.vote(member, conversation.statements.first(), 1)  # its recomputation is not run
    assert client.get(url).json()["stale"] is True
    report = client.get(f"{url}/report").json()
    assert report["stale"] is True and report["computed_at"] is None and report["votes"] == 0
    compute.recompute(conversation.pk)
    assert client.get(url).json()["stale"] is False
    report = client.get(f"{url}/report").json()
    assert report["stale"] is False and report["computed_at"] is not None
    assert report["votes"] == 1


def test_lost_recomputations_are_picked_up(conversation, owner, community, fake_task):
    voters = make_voters(community, 2)
    plant(conversation, voters, lambda i, j, s: 1)
    lost = conversation
    in_flight = actions.create_conversation(owner, community, title="Busy", statements=["A"])
    plant(in_flight, voters, lambda i, j, s: -1)
    current = actions.create_conversation(owner, community, title="Done", statements=["B"])
    plant(current, voters, lambda i, j, s: 0)
    compute.recompute(current.pk)
    # `lost` was queued long ago and its task never ran; `in_flight` was queued just now.
    Conversation.objects.filter(pk=lost.pk).update(
        compute_queued_at=timezone.now() - timedelta(minutes=10)
    )
    actions.request_recompute(in_flight.pk)
    computed_at = Conversation.objects.get(pk=current.pk).computed_at
    assert compute.recompute_stale() == 1
    lost.refresh_from_db()
    assert lost.computed_version == lost.version and lost.compute_queued_at is None
    assert lost.report["votes"] == 2 * lost.statement_count
    assert Conversation.objects.get(pk=in_flight.pk).is_stale
    assert Conversation.objects.get(pk=current.pk).computed_at == computed_at
    # The periodic job does the same; a stale conversation never queued counts as lost.
    Conversation.objects.filter(pk=in_flight.pk).update(compute_queued_at=None)
    assert JOBS["consensus.recompute_stale"]() == 1
    assert not Conversation.objects.get(pk=in_flight.pk).is_stale
    assert compute.recompute_stale() == 0


def test_an_older_computation_never_overwrites_a_newer_one(conversation, community, monkeypatch):
    voters = make_voters(community, 8)
    plant(conversation, voters[:6], two_sides)
    version = conversation.version
    real = engine.compute
    overtaken = []

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        if not overtaken:
            # While this computation runs, more votes arrive and a newer one finishes first.
            overtaken.append(True)
            for voter in voters[6:]:
                actions.vote(voter, Statement.objects.filter(conversation=conversation).first(), 1)
            compute.recompute(conversation.pk)
        return result

    monkeypatch.setattr(engine, "compute", slow)
    stored = compute.recompute(conversation.pk)
    assert overtaken
    assert stored.version == version + 2
    assert stored.computed_version == version + 2
    assert stored.report["participants"] == 8
    assert stored.report["votes"] == 6 * 8 + 2


def test_a_report_computed_for_a_newer_version_is_kept(conversation, community):
    plant(conversation, make_voters(community, 3), lambda i, j, s: 1)
    Conversation.objects.filter(pk=conversation.pk).update(
        computed_version=conversation.version + 10, report={"kept": True}
    )
    stored = compute.recompute(conversation.pk)
    assert stored.report == {"kept": True}


def test_groups_smaller_than_three_are_not_shown(conversation, community, api_client):
    voters = make_voters(community, 14)
    # Twelve agree with everything, two disagree with everything.
    plant(conversation, voters, lambda i, j, s: 1 if i < 12 else -1)
    report = compute.recompute(conversation.pk).report
    assert compute.MIN_GROUP_SIZE == 3
    assert [(g["label"], g["size"]) for g in report["groups"]] == [("A", 12)]
    assert report["unshown"] == 2
    assert report["placed"] == 14 == len(report["points"])
    assert Counter(p[2] for p in report["points"]) == {0: 12, -1: 2}
    # Their votes are not broken out either: one tally per shown group.
    for row in report["statements"].values():
        assert len(row["groups"]) == 1
    for row in report["common_ground"]:
        assert len(row["groups"]) == 1
    data = api_client(voters[0]).get(f"{API}/conversations/{conversation.pk}/report").json()
    assert data["unshown"] == 2 and len(data["groups"]) == 1


def test_two_sides_make_two_groups_with_what_sets_them_apart(conversation, community):
    voters = make_voters(community, 20)
    plant(conversation, voters, two_sides)
    report = compute.recompute(conversation.pk).report
    assert sorted(g["size"] for g in report["groups"]) == [10, 10]
    assert [g["label"] for g in report["groups"]] == ["A", "B"]
    assert report["unshown"] == 0 and report["placed"] == 20
    ids = [s.pk for s in conversation.statements.order_by("pk")]
    for group in report["groups"]:
        assert group["representative"]
        for row in group["representative"]:
            assert row["statement"] in ids
            assert row["kind"] in ("agree", "disagree")
            assert row["agree"] + row["disagree"] + row["pass"] == 100
            assert row[row["kind"]] == 100
    assert [day["votes"] for day in report["timeline"]] == [20 * len(ids)]
    assert sum(day["participants"] for day in report["timeline"]) == 20


# --- the next statement ----------------------------------------------------------------------


def test_the_next_statement_is_never_one_already_voted_or_not_open(conversation, owner, member):
    actions.edit_conversation(owner, conversation, moderation="pre")
    held = actions.add_statement(member, conversation, body="Waiting for review")
    rejected = conversation.statements.order_by("pk").first()
    actions.moderate_statement(owner, rejected, status="rejected")
    rng = np.random.default_rng(0)
    voted = set()
    for _ in range(conversation.statements.count() - 2):
        participant = queries.participant_of(conversation, member)
        for _draw in range(10):
            pick = queries.next_statement(conversation, participant, rng=rng)
            assert pick.pk not in voted | {held.pk, rejected.pk}
        actions.vote(member, pick, 0)
        voted.add(pick.pk)
    participant = queries.participant_of(conversation, member)
    assert queries.next_statement(conversation, participant, rng=rng) is None


def test_higher_priority_statements_are_drawn_more_often(conversation, community):
    statements = list(conversation.statements.order_by("pk"))
    favourite, others = statements[0], statements[1:]
    priorities = {str(s.pk): {"priority": 0.5} for s in others}
    priorities[str(favourite.pk)] = {"priority": 20.0}
    Conversation.objects.filter(pk=conversation.pk).update(report={"statements": priorities})
    conversation.refresh_from_db()
    rng = np.random.default_rng(0)
    draws = Counter(queries.next_statement(conversation, None, rng=rng).pk for _ in range(300))
    # 20 / (20 + 7 * 0.5) = 85 % expected.
    assert draws[favourite.pk] > 200
    assert draws[favourite.pk] == max(draws.values())


def test_statements_newer_than_the_report_get_the_priority_of_an_unvoted_one(conversation, owner):
    statements = list(conversation.statements.order_by("pk"))
    fresh = engine.new_statement_priority()
    assert fresh > 0
    # Everything the report knows is nearly worthless; the new statement is not in it.
    Conversation.objects.filter(pk=conversation.pk).update(
        report={"statements": {str(s.pk): {"priority": fresh / 1000} for s in statements}}
    )
    conversation.refresh_from_db()
    new = actions.add_statement(owner, conversation, body="Brand new idea")
    rng = np.random.default_rng(0)
    draws = Counter(queries.next_statement(conversation, None, rng=rng).pk for _ in range(100))
    assert draws[new.pk] > 90


def test_all_zero_priorities_draw_evenly(conversation):
    statements = list(conversation.statements.order_by("pk"))
    Conversation.objects.filter(pk=conversation.pk).update(
        report={"statements": {str(s.pk): {"priority": 0.0} for s in statements}}
    )
    conversation.refresh_from_db()
    rng = np.random.default_rng(0)
    draws = Counter(queries.next_statement(conversation, None, rng=rng).pk for _ in range(400))
    assert set(draws) == {s.pk for s in statements}
