"""Sections 3, 5, 6 and 7 of the spec against hand-worked numbers.

Expected values come from the spec's formulas written out again below in
plain Python (`math`, no engine helpers), plus a few figures worked by hand
and written as literals.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import silhouette_score

from cocreate.consensus import engine
from cocreate.consensus.engine import (
    Votes,
    compute,
    consensus,
    group_consensus,
    pick_next,
    priority,
    representative,
)

Z = 1.2816

# -- reference formulas (spec text, independently written) ------------------------


def ref_p(success: float, n: float) -> float:
    return (success + 1) / (n + 2)


def ref_p_test(success: float, n: float) -> float:
    return 2 * math.sqrt(n + 1) * ((success + 1) / (n + 1) - 0.5)


def ref_z(s1: float, n1: float, s2: float, n2: float) -> float:
    s1, n1, s2, n2 = s1 + 1, n1 + 1, s2 + 1, n2 + 1
    p1, p2 = s1 / n1, s2 / n2
    p = (s1 + s2) / (n1 + n2)
    if p == 1:
        return 0.0
    return (p1 - p2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))


def ref_representative(na, nd, ns, moderated=()):
    """Section 5 for lists of lists (groups x statements)."""
    groups, statements = len(na), len(na[0])
    out = []
    for g in range(groups):
        rows = []
        for c in range(statements):
            ra_, rd_, rs_ = (sum(x[h][c] for h in range(groups) if h != g) for x in (na, nd, ns))
            a, d, s = na[g][c], nd[g][c], ns[g][c]
            pa, pd = ref_p(a, s), ref_p(d, s)
            pat, pdt = ref_p_test(a, s), ref_p_test(d, s)
            ra, rd = pa / ref_p(ra_, rs_), pd / ref_p(rd_, rs_)
            rat, rdt = ref_z(a, s, ra_, rs_), ref_z(d, s, rd_, rs_)
            qualifies = (rat > Z and pat > Z) or (rdt > Z and pdt > Z)
            if not qualifies or c in moderated:
                continue
            agree = rat > rdt
            p, pt, r, rt = (pa, pat, ra, rat) if agree else (pd, pdt, rd, rdt)
            rows.append(
                {
                    "column": c,
                    "kind": "agree" if agree else "disagree",
                    "p": p,
                    "p_test": pt,
                    "r": r,
                    "r_test": rt,
                    "metric": r * rt * p * pt,
                }
            )
        rows.sort(key=lambda row: -row["metric"])
        rows = rows[:5]
        out.append(
            [row for row in rows if row["kind"] == "agree"]
            + [row for row in rows if row["kind"] == "disagree"]
        )
    return out


def same_rows(actual, expected):
    assert [(r["column"], r["kind"]) for r in actual] == [
        (r["column"], r["kind"]) for r in expected
    ]
    for got, want in zip(actual, expected, strict=True):
        for key in ("p", "p_test", "r", "r_test", "metric"):
            assert got[key] == pytest.approx(want[key], rel=1e-12), key


# -- section 5 -----------------------------------------------------------------

# Two groups of 20, three statements.
NA = [[18, 10, 3], [2, 10, 12]]
ND = [[1, 9, 15], [17, 9, 6]]
NS = [[20, 20, 20], [20, 20, 20]]


def test_representative_two_groups_three_statements_by_hand():
    out = representative(np.array(NA), np.array(ND), np.array(NS), np.zeros(3, bool))
    g0, g1 = out
    # Group 0 agrees with statement 0: pa = 19/22, pat = 2 sqrt(21) (19/21 - 1/2),
    # ra = (19/22) / (3/22) = 19/3, rat = (19/21 - 3/21) / sqrt(p (1-p) 2/21)
    # with p = 22/42.
    assert [(r["column"], r["kind"]) for r in g0] == [(0, "agree"), (2, "disagree")]
    assert g0[0]["p"] == pytest.approx(19 / 22)
    assert g0[0]["p_test"] == pytest.approx(3.709704, abs=1e-6)
    assert g0[0]["r"] == pytest.approx(19 / 3)
    assert g0[0]["r_test"] == pytest.approx(4.943315, abs=1e-6)
    assert (g0[0]["agrees"], g0[0]["disagrees"], g0[0]["votes"]) == (18, 1, 20)
    # ... and disagrees with statement 2: pd = 16/22, rd = (16/22) / (7/22).
    assert g0[1]["p"] == pytest.approx(16 / 22)
    assert g0[1]["p_test"] == pytest.approx(2.400397, abs=1e-6)
    assert g0[1]["r"] == pytest.approx(16 / 7)
    assert g0[1]["r_test"] == pytest.approx(2.790143, abs=1e-6)
    # Group 1 disagrees with statement 0. It agrees with statement 2 more
    # than group 0 does (rat = 2.83) but 13/22 agreeing is not enough
    # (pat = 1.09 < 1.2816), so statement 2 does not qualify for it.
    assert [(r["column"], r["kind"]) for r in g1] == [(0, "disagree")]
    assert g1[0]["p"] == pytest.approx(18 / 22)
    assert g1[0]["r"] == pytest.approx(9.0)
    assert g1[0]["r_test"] == pytest.approx(4.943315, abs=1e-6)
    assert ref_p_test(12, 20) == pytest.approx(1.091089, abs=1e-6)
    # The reference implementation agrees on everything.
    for got, want in zip(out, ref_representative(NA, ND, NS), strict=True):
        same_rows(got, want)


def test_moderated_statements_never_qualify():
    out = representative(np.array(NA), np.array(ND), np.array(NS), np.array([True, False, False]))
    assert [r["column"] for r in out[0]] == [2]
    assert out[1] == []


# Group 0 (30 votes on each statement) against group 1 (30 each).
RANK_NA = [[25, 20, 22, 2, 5, 6, 21, 15, 21], [5, 8, 8, 20, 15, 14, 10, 15, 6]]
RANK_ND = [[2, 5, 6, 27, 22, 21, 4, 15, 7], [20, 15, 14, 5, 10, 9, 12, 15, 20]]
RANK_NS = [[30] * 9, [30] * 9]


def test_top_five_by_metric_agree_listed_first():
    expected = ref_representative(RANK_NA, RANK_ND, RANK_NS)
    # The case exercises what it should: more than five qualify for group 0,
    # the best of them is a disagree statement (listed after the agrees), and
    # the cut drops a qualifying statement.
    every = ref_representative(RANK_NA, RANK_ND, RANK_NS)
    qualifying = [
        c
        for c in range(9)
        if (ref_z(RANK_NA[0][c], 30, RANK_NA[1][c], 30) > Z and ref_p_test(RANK_NA[0][c], 30) > Z)
        or (ref_z(RANK_ND[0][c], 30, RANK_ND[1][c], 30) > Z and ref_p_test(RANK_ND[0][c], 30) > Z)
    ]
    assert len(qualifying) == 8
    best = max(every[0], key=lambda row: row["metric"])
    assert best["kind"] == "disagree"
    assert every[0][0]["kind"] == "agree"
    kinds = [row["kind"] for row in every[0]]
    assert kinds == sorted(kinds)  # all agrees, then all disagrees
    assert len(every[0]) == 5
    # Worked out: group 0's top five are 0, 8, 2 (agree; metrics 67.5, 19.3,
    # 17.6) then 3, 4 (disagree; 102.9, 12.4); 6 and 1 (agree) and 5 are cut.
    assert [row["column"] for row in every[0]] == [0, 8, 2, 3, 4]
    assert [round(row["metric"], 1) for row in every[0]] == [67.5, 19.3, 17.6, 102.9, 12.4]
    out = representative(np.array(RANK_NA), np.array(RANK_ND), np.array(RANK_NS), np.zeros(9, bool))
    for got, want in zip(out, expected, strict=True):
        same_rows(got, want)
    # Moderating the best one out lets the next one in.
    moderated = np.zeros(9, bool)
    moderated[best["column"]] = True
    out = representative(np.array(RANK_NA), np.array(RANK_ND), np.array(RANK_NS), moderated)
    for got, want in zip(
        out, ref_representative(RANK_NA, RANK_ND, RANK_NS, {best["column"]}), strict=True
    ):
        same_rows(got, want)
    assert best["column"] not in [row["column"] for row in out[0]]
    assert len(out[0]) == 5


def test_three_groups_rest_is_the_other_groups_together():
    na = [[9, 1, 5], [2, 8, 5], [1, 9, 5]]
    nd = [[1, 8, 4], [7, 1, 4], [8, 0, 4]]
    ns = [[10, 10, 10], [10, 10, 10], [10, 10, 10]]
    out = representative(np.array(na), np.array(nd), np.array(ns), np.zeros(3, bool))
    for got, want in zip(out, ref_representative(na, nd, ns), strict=True):
        same_rows(got, want)
    # Group 0 agrees with statement 0: rest = groups 1 and 2 = 3 of 20.
    row = out[0][0]
    assert row["column"] == 0 and row["kind"] == "agree"
    assert row["r"] == pytest.approx((10 / 12) / (4 / 22))


def test_z_test_is_zero_when_everyone_agrees():
    # p = 1 after adding one to each count: z is 0, not NaN.
    assert ref_z(5, 5, 7, 7) == 0.0
    z = engine._z_test(np.array([5.0]), np.array([5.0]), np.array([7.0]), np.array([7.0]))
    assert z.tolist() == [0.0]
    out = representative(
        np.array([[5], [7]]), np.array([[0], [0]]), np.array([[5], [7]]), np.zeros(1, bool)
    )
    assert out == [[], []]


@pytest.mark.parametrize(
    ("s1", "n1", "s2", "n2"), [(18, 20, 2, 20), (0, 3, 9, 9), (4, 50, 30, 40), (0, 0, 0, 0)]
)
def test_z_and_p_tests_match_the_formulas(s1, n1, s2, n2):
    arrays = [np.array([float(x)]) for x in (s1, n1, s2, n2)]
    assert engine._z_test(*arrays)[0] == pytest.approx(ref_z(s1, n1, s2, n2), abs=1e-12)
    assert engine._p_test(arrays[0], arrays[1])[0] == pytest.approx(ref_p_test(s1, n1))


# -- section 6 -----------------------------------------------------------------

# agrees, disagrees, votes (passes are the rest) over all participants
CONSENSUS = [
    (40, 5, 50),  # 0: agree
    (30, 15, 50),  # 1: agree, weaker (pa = 31/52, pat = 1.54)
    (1, 0, 1),  # 2: one vote: pa = 2/3, pat = 2 sqrt(2) / 2 = 1.414 > 1.2816
    (6, 3, 10),  # 3: pa = 7/12 > 0.5 but pat = 0.905
    (5, 40, 50),  # 4: disagree
    (45, 2, 50),  # 5: the strongest agree, but moderated out
    (20, 25, 50),  # 6: pd = 26/52 = 0.5, not above
    (35, 10, 50),  # 7: agree
    (28, 2, 30),  # 8: agree
    (10, 0, 10),  # 9: agree
    (3, 30, 40),  # 10: disagree
]


def test_plain_consensus_by_hand():
    agrees = np.array([a for a, _, _ in CONSENSUS])
    disagrees = np.array([d for _, d, _ in CONSENSUS])
    votes = np.array([v for _, _, v in CONSENSUS])
    moderated = np.zeros(len(CONSENSUS), bool)
    moderated[5] = True
    out = consensus(agrees, disagrees, votes, moderated)
    assert ref_p_test(1, 1) == pytest.approx(math.sqrt(2))
    assert ref_p_test(6, 10) == pytest.approx(0.904534, abs=1e-6)
    for kind, counts in (("agree", agrees), ("disagree", disagrees)):
        candidates = [
            (ref_p(n, v) * ref_p_test(n, v), c)
            for c, (n, v) in enumerate(zip(counts.tolist(), votes.tolist(), strict=True))
            if ref_p(n, v) > 0.5 and ref_p_test(n, v) > Z and not moderated[c]
        ]
        want = [c for _, c in sorted(candidates, key=lambda x: -x[0])[:5]]
        assert [row["column"] for row in out[kind]] == want
        for row in out[kind]:
            n, v = int(counts[row["column"]]), int(votes[row["column"]])
            assert row["p"] == pytest.approx(ref_p(n, v))
            assert row["p_test"] == pytest.approx(ref_p_test(n, v))
            assert row["votes"] == v
    # pa * pat: 8 -> 4.39, 0 -> 3.42, 9 -> 3.04, 7 -> 2.04, 2 -> 0.94, 1 -> 0.92 (cut).
    assert [row["column"] for row in out["agree"]] == [8, 0, 9, 7, 2]
    assert [row["column"] for row in out["disagree"]] == [4, 10]


def test_group_informed_consensus_by_hand():
    agrees = np.array([[9, 1, 5, 10], [8, 9, 5, 10], [1, 0, 5, 10]])
    votes = np.array([[10, 10, 10, 10], [10, 10, 10, 10], [2, 10, 10, 10]])
    moderated = np.array([False, False, False, True])
    score = group_consensus(agrees, votes, moderated)
    assert score.tolist() == pytest.approx(
        [
            (10 / 12) * (9 / 12) * (2 / 4),
            (2 / 12) * (10 / 12) * (1 / 12),
            (6 / 12) ** 3,
            0.0,
        ]
    )
    # High only when every group agrees: one disagreeing group sinks it.
    assert score[0] > score[1]
    assert group_consensus(np.zeros((0, 4)), np.zeros((0, 4)), moderated).tolist() == [0.0] * 4


# -- section 7 -----------------------------------------------------------------


def ref_priority(agrees, passes, votes, extremity):
    importance = (1 - (passes + 1) / (votes + 2)) * (extremity + 1) * (agrees + 1) / (votes + 2)
    return (importance * (1 + 8 * 2 ** (-votes / 5))) ** 2


def test_priority_by_hand():
    agrees = np.array([0, 3, 10, 40, 5, 2])
    passes = np.array([0, 1, 5, 2, 40, 0])
    votes = np.array([0, 6, 20, 50, 50, 3])
    extremity = np.array([0.0, 0.5, 1.2, 2.0, 0.1, 3.0])
    moderated = np.array([False, False, False, False, False, True])
    out = priority(agrees, passes, votes, extremity, moderated)
    want = [
        ref_priority(a, p, v, e)
        for a, p, v, e in zip(agrees, passes, votes, extremity, strict=True)
    ]
    want[5] = 0.0
    assert out.tolist() == pytest.approx(want, rel=1e-12)
    # Nobody voted yet: importance = (1 - 1/2) * 1 * 1/2 = 1/4, times 9, squared.
    assert out[0] == pytest.approx(5.0625)
    assert engine.new_statement_priority() == pytest.approx(5.0625)
    # New statements are shown more: same shares, more votes, lower priority.
    few, many = priority(
        np.array([2, 20]), np.array([0, 0]), np.array([4, 40]), np.zeros(2), np.zeros(2, bool)
    )
    assert few > many


def test_pick_next_is_proportional_to_priority():
    ids = np.array([10, 20, 30, 40])
    rng = np.random.default_rng(12345)
    draws = [pick_next(ids, np.array([1.0, 2.0, 3.0, 0.0]), rng) for _ in range(20_000)]
    share = {i: draws.count(i) / len(draws) for i in (10, 20, 30, 40)}
    assert share[10] == pytest.approx(1 / 6, abs=0.015)
    assert share[20] == pytest.approx(2 / 6, abs=0.015)
    assert share[30] == pytest.approx(3 / 6, abs=0.015)
    assert share[40] == 0


def test_pick_next_falls_back_to_uniform_and_handles_nothing_to_show():
    ids = np.array([7, 8, 9, 11])
    rng = np.random.default_rng(2)
    draws = [pick_next(ids, np.zeros(4), rng) for _ in range(20_000)]
    for i in ids.tolist():
        assert draws.count(i) / len(draws) == pytest.approx(0.25, abs=0.015)
    assert pick_next(np.array([], dtype=np.int64), np.array([]), rng) is None
    assert pick_next(np.array([5]), np.array([0.0]), rng) == 5


# -- section 3 -----------------------------------------------------------------


def ref_projection(n: int, c: int, cells: dict[tuple[int, int], int], moderated: set[int]):
    """Section 3 with a plain dense SVD: positions and statement positions."""
    m = np.full((n, c), np.nan)
    for (i, j), v in cells.items():
        m[i, j] = v
    for j in moderated:
        m[:, j] = 0.0
    center = np.array([np.nanmean(m[:, j]) for j in range(c)])
    filled = np.where(np.isnan(m), center[None, :], m)
    _, _, vt = np.linalg.svd(filled - center, full_matrices=False)
    pcs = vt[:2]
    positions = np.zeros((n, 2))
    for i in range(n):
        voted = [j for j in range(c) if not np.isnan(m[i, j])]
        total = sum((m[i, j] - center[j]) * pcs[:, j] for j in voted)
        positions[i] = math.sqrt(c / max(len(voted), 1)) * total
    statements = math.sqrt(c) * (1 - center)[:, None] * pcs.T
    return positions, statements


@pytest.mark.parametrize(("n", "c"), [(40, 12), (60, 250)], ids=["dense-eigh", "sparse-lanczos"])
def test_projection_matches_a_plain_svd(n, c):
    rng = np.random.default_rng(n)
    taste = rng.normal(size=(n, 2))
    direction = rng.normal(size=(2, c))
    cells = {}
    for i in range(n):
        for j in range(c):
            if rng.random() < 0.6 or j == 0:  # everyone votes on statement 0
                x = taste[i] @ direction[:, j] + rng.normal(scale=0.5)
                cells[(i, j)] = 1 if x > 0.3 else -1 if x < -0.3 else 0
    moderated = {3}
    # Participant i's first vote comes before participant i+1's, so rows are 0..n-1.
    rows = [(i, j, v) for (i, j), v in sorted(cells.items())]
    result = compute(Votes.from_rows(rows), moderated_out=moderated)
    assert result.matrix.participant_ids.tolist() == list(range(n))
    positions, statements = ref_projection(n, c, cells, moderated)
    for k in range(2):
        sign = np.sign(positions[:, k] @ result.positions[:, k])
        np.testing.assert_allclose(result.positions[:, k], sign * positions[:, k], atol=1e-6)
        np.testing.assert_allclose(
            result.statement_positions[:, k], sign * statements[:, k], atol=1e-6
        )
    np.testing.assert_allclose(
        result.extremity, np.sqrt((statements**2).sum(1)), rtol=1e-6, atol=1e-9
    )


# -- section 4 building blocks --------------------------------------------------


def test_silhouette_matches_sklearn_singletons_scoring_zero():
    rng = np.random.default_rng(3)
    points = np.concatenate([rng.normal(0, 1, (20, 2)), rng.normal(6, 1, (15, 2)), [[20, 20]]])
    labels = np.array([0] * 20 + [1] * 15 + [2])
    assert engine._silhouette(points, labels) == pytest.approx(silhouette_score(points, labels))
    # By hand: two clusters {0, 1} and {10}; the singleton scores 0.
    # a(0) = 1, b(0) = 10 -> 0.9; a(1) = 1, b(1) = 9 -> 8/9.
    by_hand = (0.9 + 8 / 9 + 0) / 3
    assert engine._silhouette(
        np.array([[0.0, 0], [1, 0], [10, 0]]), np.array([0, 0, 1])
    ) == pytest.approx(by_hand)


def test_weighted_kmeans_drops_empty_clusters():
    points = np.array([[0.0, 0], [0, 1], [10, 10], [10, 11]])
    weights = np.array([1.0, 3.0, 1.0, 1.0])
    start = np.array([[0.0, 0], [100, 100], [10, 10]])
    centers, labels = engine._kmeans(points, weights, start, 20, None)
    assert labels.tolist() == [0, 0, 1, 1]
    np.testing.assert_allclose(centers, [[0, 0.75], [10, 10.5]])
