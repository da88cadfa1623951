"""Planted opinion groups, and the rules of sections 1, 2 and 4 on small
hand-built vote sets.

A note on the recovery cases. The spec's section 4 starts group k-means from
the *first k distinct base-cluster centres*. With three or more planted
groups, two of those first centres often sit in the same group and Lloyd
converges to a local minimum; the silhouette then picks the wrong k. Measured
with that start alone (ARI >= 0.95 and the right count, seeds 0-9, fidelity
0.85):

    (200, 40, 3, 0.3) 8/10    (500, 60, 3, 0.6) 9/10    (1000, 100, 4, 0.5) 6/10
    (3000, 300, 5, 0.8) 7/10  (5000, 500, 5, 0.9) 7/10  two-group cases 10/10

So for k >= 3 the engine also runs from a farthest-first start and keeps the
grouping with the lower within-group spread (engine.GROUP_RESTARTS); with it
every case above recovers 10/10. The tests below pin both: every seed
recovers, and the known failing seed fails again with the restart switched
off (so the restart is what fixes it).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from cocreate.consensus import engine, synthetic
from cocreate.consensus.engine import State, Votes, build_matrix, compute


def recovery(planted: synthetic.Planted, result: engine.Result) -> float:
    ids = result.matrix.participant_ids
    rows = np.flatnonzero(result.placed)
    return float(adjusted_rand_score(planted.truth[ids[rows]], result.group_of[rows]))


def assert_recovered(planted: synthetic.Planted, result: engine.Result, groups: int) -> None:
    ari = recovery(planted, result)
    assert len(result.groups) == groups, f"found {len(result.groups)} groups (ARI {ari:.3f})"
    assert ari >= 0.95, f"ARI {ari:.3f}"


# (participants, statements, groups, missing), fidelity, seed
RECOVERABLE = [
    ((50, 20, 2, 0.1), 0.85, 0),
    ((50, 20, 2, 0.1), 0.85, 1),
    ((50, 20, 2, 0.1), 0.9, 2),
    ((200, 40, 3, 0.3), 0.85, 0),
    ((200, 40, 3, 0.3), 0.85, 1),
    ((200, 40, 3, 0.3), 0.9, 2),
    ((500, 60, 3, 0.6), 0.85, 1),
    ((500, 60, 3, 0.6), 0.85, 2),
    ((500, 60, 3, 0.6), 0.9, 3),
    ((300, 50, 2, 0.7), 0.9, 0),
    ((1000, 100, 2, 0.5), 0.85, 0),
    ((1000, 100, 4, 0.5), 0.85, 2),
    ((1000, 100, 4, 0.5), 0.9, 3),
    ((2000, 200, 4, 0.9), 0.85, 0),
    ((3000, 300, 5, 0.8), 0.85, 0),
    ((5000, 500, 5, 0.9), 0.85, 1),
]


@pytest.mark.parametrize(
    ("shape", "fidelity", "seed"),
    RECOVERABLE,
    ids=[f"{s[0]}x{s[1]}-g{s[2]}-miss{s[3]}-f{f}-s{seed}" for s, f, seed in RECOVERABLE],
)
def test_planted_groups_are_recovered(shape, fidelity, seed):
    participants, statements, groups, missing = shape
    planted = synthetic.planted(
        participants, statements, groups, missing, fidelity=fidelity, seed=seed
    )
    result = compute(planted.votes)
    # Everyone voted on enough statements (except a few at 90% missing).
    assert result.placed.sum() >= 0.99 * participants
    assert_recovered(planted, result, groups)


def _diagnose(planted: synthetic.Planted, result: engine.Result) -> tuple[float, float, float]:
    """(base-cluster purity: the share of placed participants in a base
    cluster whose majority is their planted group; silhouette of the planted
    partition of the base centres; best silhouette the engine found)."""
    ids = result.matrix.participant_ids
    rows = np.flatnonzero(result.placed)
    truth, base = planted.truth[ids[rows]], result.base_of[rows]
    groups = planted.stances.shape[0]
    majority, label = 0, []
    for b in range(len(result.base_centers)):
        counts = np.bincount(truth[base == b], minlength=groups)
        majority += counts.max()
        label.append(counts.argmax())
    planted_silhouette = engine._silhouette(result.base_centers, np.asarray(label))
    return majority / len(rows), planted_silhouette, max(result.silhouettes.values())


@pytest.mark.parametrize("shape", [(200, 40, 3, 0.3), (500, 60, 3, 0.6), (1000, 100, 4, 0.5)])
def test_every_seed_recovers(shape):
    for seed in range(10):
        planted = synthetic.planted(*shape, fidelity=0.85, seed=seed)
        result = compute(planted.votes)
        assert len(result.groups) == shape[2], f"seed {seed}"
        assert recovery(planted, result) >= 0.95, f"seed {seed}"


def test_known_local_minimum_seed_is_recovered():
    planted = synthetic.planted(200, 40, 3, 0.3, fidelity=0.85, seed=3)
    assert_recovered(planted, compute(planted.votes), 3)


def test_without_the_restart_the_spec_start_gets_stuck(monkeypatch):
    """The spec's start alone: a local minimum (silhouette 0.34 for k=3 against
    0.81 for the planted partition), k=5 chosen. The projection and the base
    clusters are right; only the group k-means start is to blame."""
    monkeypatch.setattr(engine, "GROUP_RESTARTS", False)
    planted = synthetic.planted(200, 40, 3, 0.3, fidelity=0.85, seed=3)
    result = compute(planted.votes)
    assert len(result.groups) != 3
    purity, planted_silhouette, found = _diagnose(planted, result)
    assert purity >= 0.95
    assert planted_silhouette > found + 0.05


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shape", [(500, 60, 3, 0.6), (2000, 200, 4, 0.9)])
def test_noise_is_not_recovered(shape, seed):
    """fidelity 0.5 with 5% passes is (almost) a coin toss: there is nothing
    to find, and the same assertion the recovery test makes fails."""
    planted = synthetic.planted(*shape, fidelity=0.5, seed=seed)
    result = compute(planted.votes)
    assert recovery(planted, result) < 0.3
    with pytest.raises(AssertionError):
        assert_recovered(planted, result, shape[2])


# -- section 1: the vote matrix -------------------------------------------------


def test_rows_follow_first_vote_unless_a_join_order_is_given():
    votes = Votes.from_rows([(5, 0, 1), (3, 0, -1), (7, 1, 1), (5, 1, 0), (9, 2, 1)])
    assert build_matrix(votes).participant_ids.tolist() == [5, 3, 7, 9]
    # Listed participants first, in the given order; unknown ids are ignored;
    # voters it does not list follow in order of first vote.
    matrix = build_matrix(votes, join_order=[7, 99, 3])
    assert matrix.participant_ids.tolist() == [7, 3, 5, 9]
    assert build_matrix(votes, join_order=[9, 7, 5, 3]).participant_ids.tolist() == [9, 7, 5, 3]
    # The cells move with their rows.
    assert matrix.statement_ids.tolist() == [0, 1, 2]
    assert matrix.value.tolist() == [[0, 1, 0], [-1, 0, 0], [1, 0, 0], [0, 0, 1]]
    assert matrix.voted.tolist() == [
        [False, True, False],
        [True, False, False],
        [True, True, False],
        [False, False, True],
    ]
    result = compute(votes, join_order=[7, 99, 3])
    assert result.matrix.participant_ids.tolist() == [7, 3, 5, 9]


def test_latest_vote_on_a_pair_wins():
    votes = Votes.from_rows(
        [
            (1, 10, 1),
            (2, 10, 1),
            (1, 10, -1),  # 1 changes agree -> disagree
            (1, 20, -1),
            (1, 20, 0),  # disagree -> pass
            (2, 20, 1),
            (2, 20, -1),
            (2, 20, 1),  # back to agree
        ]
    )
    matrix = build_matrix(votes)
    assert matrix.value.tolist() == [[-1, 0], [1, 1]]
    assert matrix.voted.all()
    result = compute(votes)
    assert result.agrees.tolist() == [1, 1]
    assert result.disagrees.tolist() == [1, 0]
    assert result.passes.tolist() == [0, 1]
    assert result.votes.tolist() == [2, 2]


def test_latest_vote_wins_with_many_repeats():
    rng = np.random.default_rng(7)
    rows = [(int(p), int(s), int(v)) for p, s, v in rng.integers([0, 0, -1], [30, 8, 2], (3000, 3))]
    latest = {}
    for p, s, v in rows:
        latest[(p, s)] = v
    matrix = build_matrix(Votes.from_rows(rows))
    row = {p: i for i, p in enumerate(matrix.participant_ids.tolist())}
    col = {s: j for j, s in enumerate(matrix.statement_ids.tolist())}
    assert matrix.voted.sum() == len(latest)
    for (p, s), v in latest.items():
        assert matrix.value[row[p], col[s]] == v


@pytest.mark.parametrize("value", [2, -2, 5, 127])
def test_a_vote_outside_minus_one_zero_one_is_rejected(value):
    with pytest.raises(ValueError, match="agree"):
        Votes.from_rows([(1, 1, 1), (1, 2, value)])
    with pytest.raises(ValueError):
        Votes(np.array([1]), np.array([1]), np.array([value]))


def test_votes_of_different_lengths_are_rejected():
    with pytest.raises(ValueError, match="length"):
        Votes(np.array([1, 2]), np.array([1]), np.array([1], dtype=np.int8))


@pytest.mark.parametrize("value", [257, 255, 1.5])
def test_from_rows_rejects_values_that_wrap_or_truncate_to_a_valid_vote(value):
    try:
        Votes.from_rows([(1, 1, value)])
    except ValueError:
        return
    raise AssertionError(f"{value!r} was accepted as a vote")


def test_empty_votes_give_no_groups():
    result = compute(Votes.from_rows([]))
    assert result.groups == []
    assert result.placed.shape == (0,)
    assert result.positions.shape == (0, 2)
    assert result.consensus == {"agree": [], "disagree": []}
    assert len(result.group_consensus) == 0 and len(result.priority) == 0
    summary = result.summary()
    assert summary["groups"] == 0 and summary["placed"] == 0
    # The empty state round-trips and can seed the next computation.
    state = State.from_dict(json.loads(json.dumps(result.state.to_dict())))
    later = compute(synthetic.planted(60, 20, 2, 0.1, seed=0).votes, previous=state)
    assert len(later.groups) == 2


@pytest.mark.parametrize(
    "rows",
    [
        [(1, 1, 1)],
        [(1, 1, 1), (2, 1, 1), (3, 1, 1)],  # everyone in one place
        [(p, s, 1) for p in range(20) for s in range(10)],  # unanimous
        [(1, 1, 0), (2, 2, -1)],
    ],
    ids=["one-vote", "three-identical", "unanimous", "disjoint"],
)
def test_tiny_inputs_do_not_crash(rows):
    result = compute(Votes.from_rows(rows))
    assert result.placed.all()  # fewer than 15 qualify: everyone is placed
    assert (result.group_of[result.placed] >= 0).all()
    assert np.isfinite(result.positions).all()
    assert np.isfinite(result.priority).all()
    result.summary()


def test_moderated_out_column_does_not_move_anyone():
    """Section 1: a moderated-out column is 0 for every row, so what people
    voted on it cannot change the projection."""
    planted = synthetic.planted(300, 30, 3, 0.3, seed=4)
    votes = planted.votes
    # Everyone now agrees with statement 0. (Flipping its votes would not do:
    # negating a column moves nobody even when it counts.)
    flipped = Votes(
        votes.participants,
        votes.statements,
        np.where(votes.statements == 0, 1, votes.values).astype(np.int8),
    )
    first = compute(votes, moderated_out=[0])
    second = compute(flipped, moderated_out=[0])
    np.testing.assert_allclose(first.positions, second.positions, atol=1e-9)
    np.testing.assert_array_equal(first.group_of, second.group_of)
    assert first.statement_positions[0].tolist() == [0.0, 0.0]
    assert first.group_consensus[0] == 0 and first.priority[0] == 0
    # Not moderated, the same flip does move people.
    assert not np.allclose(compute(votes).positions, compute(flipped).positions)


# -- section 2: who is placed ---------------------------------------------------


def _rows(counts: dict[int, int], statements: int = 10, value: int = 1) -> list[tuple]:
    """Participant p votes `value` on statements 0..counts[p]-1, and a couple
    of 'filler' voters make sure every statement has a column."""
    rows = [(p, s, value if (p + s) % 3 else -value) for p, n in counts.items() for s in range(n)]
    return rows + [(1000, s, 1) for s in range(statements)]


def test_placed_after_min_seven_votes_passes_included():
    counts = {p: 8 for p in range(16)}
    counts[100] = 6
    rows = _rows(counts) + [(200, s, 0) for s in range(7)]  # seven passes
    result = compute(Votes.from_rows(rows))
    placed = {int(p) for p in result.matrix.participant_ids[result.placed]}
    assert 100 not in placed
    assert 200 in placed
    assert set(range(16)) | {1000} <= placed
    assert len(placed) == 18


def test_placed_after_voting_on_every_column_when_fewer_than_seven():
    counts = {p: 5 for p in range(16)}
    counts[100] = 4
    result = compute(Votes.from_rows(_rows(counts, statements=5)))
    assert result.matrix.value.shape[1] == 5
    placed = {int(p) for p in result.matrix.participant_ids[result.placed]}
    assert placed == set(range(16)) | {1000}


def test_top_up_to_fifteen_with_the_most_active():
    counts = {p: 8 for p in range(9)}  # 9 + the filler = 10 qualify
    counts.update({20: 2, 21: 6, 22: 3, 23: 5, 24: 4, 25: 1})
    counts.update({p: 1 for p in range(30, 45)})
    result = compute(Votes.from_rows(_rows(counts)))
    placed = {int(p) for p in result.matrix.participant_ids[result.placed]}
    assert len(placed) == 15
    assert placed == set(range(9)) | {1000, 21, 23, 24, 22, 20}


def test_everyone_is_placed_when_there_are_fewer_than_fifteen():
    counts = {p: 1 + p % 3 for p in range(11)}
    result = compute(Votes.from_rows(_rows(counts)))
    assert result.placed.all() and len(result.placed) == 12


def test_placement_is_sticky():
    counts = {p: 8 for p in range(16)}
    counts[100] = 3
    votes = Votes.from_rows(_rows(counts))
    assert 100 not in compute(votes).state.placed
    # Placed by a previous computation (e.g. topped up when the conversation
    # was young): stays placed.
    result = compute(votes, previous=State(placed=[100]))
    assert 100 in result.state.placed
    assert result.group_of[result.matrix.participant_ids.tolist().index(100)] >= 0
    # The same through real recomputations: early on, 100 is topped up.
    early = compute(Votes.from_rows(_rows({0: 8, 1: 8, 100: 3})))
    assert 100 in early.state.placed
    later = compute(votes, previous=early.state)
    assert 100 in later.state.placed
    # Someone placed before who has no vote in this computation is ignored.
    assert compute(votes, previous=State(placed=[100, 555])).placed.sum() == 18


# -- section 4: group-count smoothing and warm starts ---------------------------


@pytest.fixture(scope="module")
def three_groups():
    """Votes whose best k is clearly 3."""
    planted = synthetic.planted(300, 50, 3, 0.5, fidelity=0.85, seed=0)
    result = compute(planted.votes)
    assert len(result.groups) == 3
    assert max(result.silhouettes, key=result.silhouettes.get) == 3
    return planted.votes, result


def _shown(votes, state: State) -> tuple[int, State]:
    result = compute(votes, previous=state)
    assert result.state.k == len(result.groups)
    return len(result.groups), result.state


@pytest.mark.parametrize(
    ("previous", "shown", "candidate", "streak"),
    [
        (State(), 3, 0, 0),  # first computation: best k at once
        (State(k=2), 2, 3, 1),
        (State(k=2, candidate_k=3, candidate_streak=1), 2, 3, 2),
        (State(k=2, candidate_k=3, candidate_streak=2), 2, 3, 3),
        (State(k=2, candidate_k=3, candidate_streak=3), 3, 0, 0),  # fourth in a row
        (State(k=2, candidate_k=4, candidate_streak=3), 2, 3, 1),  # a different k: restart
        (State(k=4, candidate_k=3, candidate_streak=3), 3, 0, 0),
        (State(k=3, candidate_k=2, candidate_streak=3), 3, 0, 0),  # best = shown: reset
    ],
)
def test_group_count_changes_after_four_in_a_row(three_groups, previous, shown, candidate, streak):
    votes, _ = three_groups
    count, state = _shown(votes, previous)
    assert (count, state.k, state.candidate_k, state.candidate_streak) == (
        shown,
        shown,
        candidate,
        streak,
    )


def test_group_count_smoothing_over_recomputations(three_groups):
    votes, _ = three_groups
    state = State(k=2)
    shown = []
    for _ in range(5):
        count, state = _shown(votes, state)
        shown.append(count)
    assert shown == [2, 2, 2, 3, 3]


def test_state_round_trips_and_warm_start_gives_the_same_groups(three_groups):
    votes, first = three_groups
    data = json.loads(json.dumps(first.state.to_dict()))
    state = State.from_dict(data)
    assert state == first.state
    assert state.to_dict() == data
    again = compute(votes, previous=state)
    in_memory = compute(votes, previous=first.state)
    np.testing.assert_array_equal(again.group_of, in_memory.group_of)
    np.testing.assert_array_equal(again.positions, in_memory.positions)
    assert again.state.to_dict() == in_memory.state.to_dict()
    # Warm-started from its own result, the grouping does not move.
    np.testing.assert_array_equal(again.group_of, first.group_of)
    assert State.from_dict(None) == State() == State.from_dict({})


def test_warm_start_follows_new_votes():
    planted = synthetic.planted(600, 60, 3, 0.4, fidelity=0.85, seed=1)
    votes = planted.votes
    cut = int(0.7 * len(votes.values))
    early = compute(Votes(votes.participants[:cut], votes.statements[:cut], votes.values[:cut]))
    assert len(early.groups) == 3
    via_json = State.from_dict(json.loads(json.dumps(early.state.to_dict())))
    late = compute(votes, previous=via_json)
    late_in_memory = compute(votes, previous=early.state)
    np.testing.assert_array_equal(late.group_of, late_in_memory.group_of)
    assert len(late.groups) == 3
    assert recovery(planted, late) >= 0.95
    # Components keep their orientation across runs (no sign flips).
    old = np.asarray(early.state.components)
    new = np.asarray(late.state.components)
    assert (np.einsum("ij,ij->i", old, new) > 0).all()
