"""Run the engine on a conversation's votes and keep the report. Called by the
task worker (tasks.py) after votes arrive, and by `cocreate consensus recompute`.

The report holds aggregates only: group sizes, per-group shares of agree /
disagree / pass on statements, anonymous map points. Groups smaller than
MIN_GROUP_SIZE are not shown separately (their members' points are drawn
without a group and their votes are not broken out)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import numpy as np
from django.db.models import Count, Min
from django.db.models.functions import TruncDate
from django.utils import timezone
from threadpoolctl import threadpool_limits

from cocreate.consensus import engine
from cocreate.consensus.models import Conversation, Participant, Statement, StatementStatus, Vote

MIN_GROUP_SIZE = 3
COMMON_GROUND_COUNT = 10
GROUP_LABELS = "ABCDE"
REPORT_FORMAT = 1


def load_votes(conversation: Conversation) -> tuple[engine.Votes, list[int], list[int]]:
    """(votes oldest first, moderated-out statement ids, participants in join order)."""
    rows = np.array(
        Vote.objects.filter(conversation=conversation)
        .order_by("updated_at", "pk")
        .values_list("participant_id", "statement_id", "value"),
        dtype=np.int64,
    ).reshape(-1, 3)
    votes = engine.Votes(rows[:, 0], rows[:, 1], rows[:, 2].astype(np.int8))
    out = list(
        Statement.objects.filter(conversation=conversation)
        .exclude(status=StatementStatus.ACCEPTED, is_meta=False)
        .values_list("pk", flat=True)
    )
    joined = list(
        Participant.objects.filter(conversation=conversation)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return votes, out, joined


def _share(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0


def build_report(result: engine.Result) -> tuple[dict[str, Any], dict[str, int]]:
    """(report, participant pk -> point index)."""
    matrix = result.matrix
    sid = matrix.statement_ids
    shown = [g for g in result.groups if len(g.members) >= MIN_GROUP_SIZE]
    label = {g.id: i for i, g in enumerate(shown)}
    placed = np.flatnonzero(result.placed)
    relabel = np.full(len(result.groups) + 1, -1, dtype=np.int64)  # last slot: unplaced (-1)
    relabel[list(label)] = list(label.values())
    group_of = relabel[result.group_of[placed]]
    points = np.round(result.positions[placed], 3)

    def tally(g: int, j: int) -> dict[str, int]:
        votes = int(result.group_votes[g, j])
        agree, disagree = int(result.group_agrees[g, j]), int(result.group_disagrees[g, j])
        return {
            "votes": votes,
            "agree": _share(agree, votes),
            "disagree": _share(disagree, votes),
            "pass": _share(votes - agree - disagree, votes) if votes else 0,
        }

    groups = []
    for i, g in enumerate(shown):
        groups.append(
            {
                "id": i,
                "label": GROUP_LABELS[i],
                "size": len(g.members),
                "center": [round(float(x), 3) for x in g.center],
                "representative": [
                    {
                        "statement": int(sid[r["column"]]),
                        "kind": r["kind"],
                        **tally(g.id, r["column"]),
                    }
                    for r in g.representative
                ],
            }
        )
    # Common ground: ranked by group-informed consensus, and only statements that
    # every shown group leans towards agreeing with (more than half, smoothed).
    ids = [g.id for g in shown]
    leaning = (result.group_agrees[ids] + 1) / (result.group_votes[ids] + 2) > 0.5
    everyone = leaning.all(axis=0) if ids else (result.agrees + 1) / (result.votes + 2) > 0.5
    ranked = [
        j
        for j in np.argsort(-result.group_consensus, kind="stable")
        if not matrix.moderated[j] and result.votes[j] > 0 and everyone[j]
    ][:COMMON_GROUND_COUNT]
    report = {
        "format": REPORT_FORMAT,
        "participants": len(matrix.participant_ids),
        "placed": len(placed),
        "votes": int(matrix.voted.sum()),
        "groups": groups,
        "unshown": int(sum(len(g.members) for g in result.groups if g.id not in label)),
        "points": [
            [float(x), float(y), int(g)] for (x, y), g in zip(points, group_of, strict=True)
        ],
        "statements": {
            str(int(sid[j])): {
                "position": [round(float(v), 3) for v in result.statement_positions[j]],
                "agree": int(result.agrees[j]),
                "disagree": int(result.disagrees[j]),
                "pass": int(result.passes[j]),
                "groups": [tally(g.id, j) for g in shown],
                "group_consensus": round(float(result.group_consensus[j]), 6),
                "priority": round(float(result.priority[j]), 6),
            }
            for j in range(len(sid))
        },
        "consensus": {
            kind: [
                {"statement": int(sid[r["column"]]), "p": round(r["p"], 4), "votes": r["votes"]}
                for r in rows
            ]
            for kind, rows in result.consensus.items()
        },
        "common_ground": [
            {
                "statement": int(sid[j]),
                "score": round(float(result.group_consensus[j]), 6),
                "groups": [tally(g.id, j) for g in shown],
            }
            for j in ranked
        ],
    }
    rows = {str(int(matrix.participant_ids[i])): k for k, i in enumerate(placed)}
    return report, rows


def timeline(conversation: Conversation) -> list[dict[str, Any]]:
    """Votes cast and people taking part for the first time, per day."""
    votes = dict(
        Vote.objects.filter(conversation=conversation)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    firsts = (
        Participant.objects.filter(conversation=conversation)
        .annotate(first=Min("votes__created_at"))
        .exclude(first=None)
        .values_list("first", flat=True)
    )
    joined = Counter(timezone.localtime(first).date() for first in firsts)
    days = sorted(set(votes) | set(joined))
    return [
        {"day": day.isoformat(), "votes": votes.get(day, 0), "participants": joined.get(day, 0)}
        for day in days
    ]


def recompute(conversation_id: int) -> Conversation | None:
    """Compute and store the report. Clears the queued flag first, so votes that
    arrive during the computation queue the next one."""
    Conversation.objects.filter(pk=conversation_id).update(compute_queued_at=None)
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return None
    version = conversation.version
    started = time.perf_counter()
    votes, out, joined = load_votes(conversation)
    # One BLAS thread: the matrices are too small to gain from more, and on a
    # busy server the thread pool's spinning costs several times the work.
    with threadpool_limits(1):
        result = engine.compute(
            votes, out, engine.State.from_dict(conversation.state), join_order=joined
        )
    report, rows = build_report(result)
    report["timeline"] = timeline(conversation)
    seconds = time.perf_counter() - started
    # A slower, older computation never overwrites a newer one.
    Conversation.objects.filter(pk=conversation_id, computed_version__lte=version).update(
        report=report,
        state=result.state.to_dict(),
        rows=rows,
        computed_version=version,
        computed_at=timezone.now(),
        compute_seconds=round(seconds, 4),
    )
    conversation.refresh_from_db()
    return conversation


def recompute_stale(limit: int = 20) -> int:
    """Safety net for the debounce: conversations whose votes changed since the
    last computation and whose queued task never ran (a worker died)."""
    from datetime import timedelta

    from django.db.models import F, Q

    cutoff = timezone.now() - timedelta(minutes=2)
    stale = Conversation.objects.filter(computed_version__lt=F("version")).filter(
        Q(compute_queued_at__isnull=True) | Q(compute_queued_at__lt=cutoff)
    )
    done = 0
    for pk in list(stale.values_list("pk", flat=True)[:limit]):
        recompute(pk)
        done += 1
    return done
