"""Opinion groups and common ground from agree/disagree/pass votes.

The computation is the one written out in the shared spec
(`specs/opinion-groups.md`, the method Pol.is published): a vote matrix with
moderated-out columns zeroed, mean-filled PCA with a sparsity-aware
projection, two-level k-means with a silhouette choice of k smoothed across
recomputations, representative statements per group, and plain and
group-informed consensus. Section numbers in comments refer to that spec.

Pure numpy/scipy, no Django: the platform (`consensus/tasks.py`), the CLI
(`cocreate consensus analyze`) and the benchmark all call `compute`. It is
deterministic: the same votes and the same previous `State` give the same
result. The hot path is vectorised; the only Python loops are over k-means
iterations, candidate group counts and output rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

AGREE, PASS, DISAGREE = 1, 0, -1

MIN_VOTES_TO_PLACE = 7  # section 2
MIN_PLACED = 15
BASE_K = 100  # section 4
BASE_MAX_ITER = 100
BASE_TOLERANCE = 0.01
GROUP_MAX_K = 5
GROUP_MAX_ITER = 20
# Beyond the spec's single start: also try a farthest-first start and keep the
# tighter grouping (see _farthest_first). Never worse by the k-means objective.
GROUP_RESTARTS = True
K_STREAK = 4  # a new group count must win this many recomputations in a row
Z_90 = 1.2816  # one-sided 90% z value (sections 5 and 6)
REPRESENTATIVE_COUNT = 5
CONSENSUS_COUNT = 5
# Above this many columns the Gram matrix is not formed; Lanczos on the
# sparse matrix finds the two components instead (section 3 allows either).
DENSE_PCA_MAX_COLUMNS = 200


@dataclass(frozen=True)
class Votes:
    """Votes in the order they were cast: the last vote on a pair counts."""

    participants: np.ndarray  # int64 participant ids
    statements: np.ndarray  # int64 statement ids
    values: np.ndarray  # int8: +1 agree, 0 pass, -1 disagree

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int, int]] | list[list[int]]) -> Votes:
        array = np.asarray(rows).reshape(-1, 3)
        if len(array) and not np.isin(array[:, 2], (AGREE, PASS, DISAGREE)).all():
            raise ValueError("a vote is +1 (agree), 0 (pass) or -1 (disagree)")
        array = array.astype(np.int64)
        return cls(array[:, 0], array[:, 1], array[:, 2].astype(np.int8))

    def __post_init__(self) -> None:
        if not (len(self.participants) == len(self.statements) == len(self.values)):
            raise ValueError("participants, statements and values differ in length")
        if len(self.values) and not np.isin(self.values, (AGREE, PASS, DISAGREE)).all():
            raise ValueError("a vote is +1 (agree), 0 (pass) or -1 (disagree)")


@dataclass
class State:
    """What one computation hands to the next (section 2's sticky placement,
    section 4's warm starts and group-count smoothing). JSON-serialisable via
    `to_dict` / `from_dict` so the platform can keep it in the database."""

    placed: list[int] = field(default_factory=list)  # participant ids
    statement_ids: list[int] = field(default_factory=list)  # columns of `components`
    components: list[list[float]] = field(default_factory=list)  # 2 x C
    base_centers: list[list[float]] = field(default_factory=list)
    group_centers: dict[int, list[list[float]]] = field(default_factory=dict)  # by k
    k: int = 0  # the group count shown
    candidate_k: int = 0  # a different best k waiting to be confirmed
    candidate_streak: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "placed": self.placed,
            "statement_ids": self.statement_ids,
            "components": self.components,
            "base_centers": self.base_centers,
            "group_centers": {str(k): v for k, v in self.group_centers.items()},
            "k": self.k,
            "candidate_k": self.candidate_k,
            "candidate_streak": self.candidate_streak,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        if not data:
            return cls()
        return cls(
            placed=[int(p) for p in data.get("placed", [])],
            statement_ids=[int(s) for s in data.get("statement_ids", [])],
            components=data.get("components", []),
            base_centers=data.get("base_centers", []),
            group_centers={int(k): v for k, v in data.get("group_centers", {}).items()},
            k=int(data.get("k", 0)),
            candidate_k=int(data.get("candidate_k", 0)),
            candidate_streak=int(data.get("candidate_streak", 0)),
        )


@dataclass
class Matrix:
    """Section 1: one row per participant (order of first vote), one column per
    statement with at least one vote (ascending id). `value` holds the latest
    vote (0 where missing), `voted` says which cells are not missing."""

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    value: np.ndarray  # int8 (N, C)
    voted: np.ndarray  # bool (N, C)
    moderated: np.ndarray  # bool (C,): rejected or meta, column zeroed


def _first_seen(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct ids and the position of each one's first occurrence.
    Database ids are dense small integers, so a lookup table beats sorting."""
    if len(ids) == 0:
        return ids[:0], ids[:0]
    low, high = int(ids.min()), int(ids.max())
    if low < 0 or high > 4 * len(ids) + 1_000_000:
        return np.unique(ids, return_index=True)
    first = np.full(high + 1, -1, dtype=np.int64)
    # Assigning in reverse keeps the earliest index (the last write wins).
    first[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
    distinct = np.flatnonzero(first >= 0)
    return distinct, first[distinct]


def _index_of(distinct: np.ndarray, ids: np.ndarray) -> np.ndarray:
    if len(distinct) and distinct[0] >= 0 and distinct[-1] <= 4 * len(ids) + 1_000_000:
        table = np.zeros(int(distinct[-1]) + 1, dtype=np.int64)
        table[distinct] = np.arange(len(distinct))
        return table[ids]
    return np.searchsorted(distinct, ids)


def build_matrix(votes: Votes, moderated_out: Any = (), join_order: Any = None) -> Matrix:
    """`join_order`, when known, lists participant ids in the order they
    joined (Pol.is numbers its participants that way, and a platform
    participant can write a statement before voting); voters it does not list
    follow in order of first vote."""
    participants = np.asarray(votes.participants, dtype=np.int64)
    statements = np.asarray(votes.statements, dtype=np.int64)
    values = np.asarray(votes.values, dtype=np.int8)
    ids, first = _first_seen(participants)
    if join_order is not None:
        joined = np.asarray(join_order, dtype=np.int64)
        position = np.full(len(ids), len(joined), dtype=np.int64)
        known = np.isin(joined, ids)
        position[np.searchsorted(ids, joined[known])] = np.flatnonzero(known)
        order = np.lexsort((first, position))
    else:
        order = np.argsort(first, kind="stable")
    participant_ids = ids[order]
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    rows = rank[_index_of(ids, participants)]
    statement_ids, _ = _first_seen(statements)
    cols = _index_of(statement_ids, statements)
    n, c = len(participant_ids), len(statement_ids)
    value = np.zeros((n, c), dtype=np.int8)
    voted = np.zeros((n, c), dtype=bool)
    # Fancy assignment with repeated indices keeps the last write, so the
    # latest vote on a pair wins without sorting.
    value[rows, cols] = values
    voted[rows, cols] = True
    moderated = np.isin(statement_ids, np.asarray(list(moderated_out), dtype=np.int64))
    return Matrix(participant_ids, statement_ids, value, voted, moderated)


@dataclass
class Group:
    id: int
    members: np.ndarray  # row indices
    center: np.ndarray
    representative: list[dict[str, Any]]


@dataclass
class Result:
    matrix: Matrix
    placed: np.ndarray  # bool (N,)
    positions: np.ndarray  # (N, 2)
    group_of: np.ndarray  # int (N,), -1 when not placed
    groups: list[Group]
    base_centers: np.ndarray
    base_of: np.ndarray  # int (N,), -1 when not placed
    statement_positions: np.ndarray  # (C, 2)
    extremity: np.ndarray  # (C,)
    agrees: np.ndarray  # (C,) counts over everyone
    disagrees: np.ndarray
    passes: np.ndarray
    group_agrees: np.ndarray  # (G, C)
    group_disagrees: np.ndarray
    group_votes: np.ndarray
    consensus: dict[str, list[dict[str, Any]]]
    group_consensus: np.ndarray  # (C,), 0 for moderated-out statements
    priority: np.ndarray  # (C,)
    silhouettes: dict[int, float]
    state: State

    @property
    def votes(self) -> np.ndarray:
        return self.agrees + self.disagrees + self.passes

    def summary(self) -> dict[str, Any]:
        """The shape `cocreate consensus analyze --json` prints."""
        sid = self.matrix.statement_ids
        pid = self.matrix.participant_ids
        ranked = np.argsort(-self.group_consensus, kind="stable")
        ranked = ranked[~self.matrix.moderated[ranked]]
        return {
            "groups": len(self.groups),
            "participants": len(pid),
            "placed": int(self.placed.sum()),
            "members": {str(pid[i]): int(self.group_of[i]) for i in np.flatnonzero(self.placed)},
            "representative": {
                str(g.id): [dict(r, statement=int(sid[r["column"]])) for r in g.representative]
                for g in self.groups
            },
            "consensus": {
                kind: [dict(r, statement=int(sid[r["column"]])) for r in rows]
                for kind, rows in self.consensus.items()
            },
            "group_consensus": [
                {"statement": int(sid[j]), "score": round(float(self.group_consensus[j]), 6)}
                for j in ranked[:CONSENSUS_COUNT]
            ],
            "silhouettes": {str(k): round(v, 6) for k, v in self.silhouettes.items()},
        }


# -- section 3: projection ---------------------------------------------------


def _centered(matrix: Matrix) -> tuple[np.ndarray, scipy.sparse.csr_matrix, np.ndarray]:
    """Column means and the centred, mean-filled matrix. Filling a missing
    cell with its column mean and then subtracting that mean leaves 0, so the
    centred matrix is exactly as sparse as the votes."""
    live = matrix.voted & ~matrix.moderated
    count = live.sum(axis=0)
    total = np.where(live, matrix.value, 0).sum(axis=0, dtype=np.int64)
    center = np.divide(total, count, out=np.zeros(len(count)), where=count > 0)
    rows, cols = np.nonzero(live)
    data = matrix.value[rows, cols].astype(np.float64) - center[cols]
    shape = matrix.value.shape
    centred = scipy.sparse.csr_matrix((data, (rows, cols)), shape=shape)
    return center, centred, live


def _components(centred: scipy.sparse.csr_matrix, previous: np.ndarray | None) -> np.ndarray:
    """Top-2 right singular vectors (2 x C), signs fixed for determinism and
    aligned with the previous run's so positions don't flip between runs."""
    c = centred.shape[1]
    k = min(2, c)
    if c == 0 or centred.nnz == 0:
        return np.zeros((2, c))
    if c <= DENSE_PCA_MAX_COLUMNS or k >= c - 1:
        dense = centred.toarray()
        gram = dense.T @ dense
        _, vectors = scipy.linalg.eigh(gram, subset_by_index=[c - k, c - 1])
        vectors = vectors[:, ::-1].T
    else:
        start = previous[0] if previous is not None and np.any(previous[0]) else None
        if start is None:
            start = np.asarray(np.abs(centred).sum(axis=0)).ravel() + 1.0
        operator = scipy.sparse.linalg.LinearOperator(
            (c, c), matvec=lambda v: centred.T @ (centred @ v), dtype=np.float64
        )
        values, vectors = scipy.sparse.linalg.eigsh(operator, k=k, which="LA", v0=start)
        vectors = vectors[:, np.argsort(-values)].T
    out = np.zeros((2, c))
    out[:k] = vectors
    for i in range(2):
        reference = previous[i] if previous is not None else None
        if reference is not None and abs(float(out[i] @ reference)) > 1e-9:
            sign = np.sign(out[i] @ reference)
        else:
            big = np.argmax(np.abs(out[i])) if c else 0
            sign = np.sign(out[i][big]) if c else 1.0
        out[i] *= sign or 1.0
    return out


def _previous_components(matrix: Matrix, state: State) -> np.ndarray | None:
    if not state.components or not state.statement_ids:
        return None
    old = np.asarray(state.components, dtype=np.float64)
    old_ids = np.asarray(state.statement_ids, dtype=np.int64)
    out = np.zeros((2, len(matrix.statement_ids)))
    where = np.searchsorted(old_ids, matrix.statement_ids)
    where = np.clip(where, 0, max(len(old_ids) - 1, 0))
    hit = old_ids[where] == matrix.statement_ids if len(old_ids) else np.zeros(0, bool)
    out[:, hit] = old[:, where[hit]]
    return out


# -- section 4: clustering ---------------------------------------------------


def _first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """The first k distinct rows, in row order."""
    if len(points) == 0:
        return points[:0]
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def _assign(points: np.ndarray, centers: np.ndarray) -> np.ndarray:
    # Squared distances; argmin breaks ties towards the lower centre index.
    d = (
        (points * points).sum(1)[:, None]
        - 2.0 * points @ centers.T
        + (centers * centers).sum(1)[None, :]
    )
    return np.argmin(d, axis=1)


def _kmeans(
    points: np.ndarray,
    weights: np.ndarray,
    centers: np.ndarray,
    max_iter: int,
    tolerance: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Lloyd iterations from the given centres. Empty clusters are
    dropped. Returns (centres, label per point)."""
    centers = centers.copy()
    labels = _assign(points, centers)
    for _ in range(max_iter):
        k = len(centers)
        mass = np.bincount(labels, weights=weights, minlength=k)
        sums = np.stack(
            [np.bincount(labels, weights=weights * points[:, d], minlength=k) for d in (0, 1)],
            axis=1,
        )
        keep = mass > 0
        new = sums[keep] / mass[keep, None]
        moved = np.sqrt(((new - centers[keep]) ** 2).sum(1)).max() if len(new) else 0.0
        centers = new
        labels = _assign(points, centers)
        if tolerance is not None and keep.all() and moved < tolerance:
            break
    # Drop clusters the final assignment left empty and renumber.
    used = np.unique(labels)
    if len(used) < len(centers):
        remap = np.full(len(centers), -1)
        remap[used] = np.arange(len(used))
        centers, labels = centers[used], remap[labels]
    return centers, labels


def _inertia(
    points: np.ndarray, weights: np.ndarray, centers: np.ndarray, labels: np.ndarray
) -> float:
    return float((weights * ((points - centers[labels]) ** 2).sum(1)).sum())


def _farthest_first(points: np.ndarray, k: int) -> np.ndarray:
    """A second deterministic start for the group k-means: the first point, then
    repeatedly the point farthest from those chosen. It finds well separated
    groups that the first-distinct start can miss (a local optimum)."""
    if len(points) == 0:
        return points[:0]
    chosen = [0]
    nearest = ((points - points[0]) ** 2).sum(1)
    while len(chosen) < k and nearest.max() > 0:
        pick = int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, ((points - points[pick]) ** 2).sum(1))
    return points[chosen]


def _silhouette(centers: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over the base-cluster centres (unweighted); a centre
    alone in its group scores 0."""
    n = len(centers)
    k = int(labels.max()) + 1 if n else 0
    if n < 2 or k < 2:
        return 0.0
    dist = np.sqrt(((centers[:, None, :] - centers[None, :, :]) ** 2).sum(-1))
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    size = onehot.sum(0)
    mean_to = dist @ onehot  # (n, k): sum of distances to each group
    own = size[labels]
    a = mean_to[np.arange(n), labels] / np.maximum(own - 1, 1)
    other = mean_to / np.maximum(size, 1)[None, :]
    other[np.arange(n), labels] = np.inf
    b = other.min(1)
    s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    return float(s.mean())


def _choose_k(best: int, state: State, previous: State) -> None:
    """Section 4's smoothing: the shown group count moves to a new best k only
    after that k has been best K_STREAK times in a row."""
    if previous.k == 0:
        state.k, state.candidate_k, state.candidate_streak = best, 0, 0
        return
    state.k = previous.k
    if best == previous.k:
        state.candidate_k, state.candidate_streak = 0, 0
        return
    streak = previous.candidate_streak + 1 if previous.candidate_k == best else 1
    if streak >= K_STREAK:
        state.k, state.candidate_k, state.candidate_streak = best, 0, 0
    else:
        state.candidate_k, state.candidate_streak = best, streak


# -- sections 5 and 6: statistics -----------------------------------------------


def _z_test(s1: np.ndarray, n1: np.ndarray, s2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Two-proportion z-test with one added to each count; 0 where p = 1."""
    s1, n1, s2, n2 = s1 + 1.0, n1 + 1.0, s2 + 1.0, n2 + 1.0
    p1, p2 = s1 / n1, s2 / n2
    p = (s1 + s2) / (n1 + n2)
    var = p * (1 - p) * (1 / n1 + 1 / n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    return np.where(var > 0, z, 0.0)


def _p_test(success: np.ndarray, n: np.ndarray) -> np.ndarray:
    return 2.0 * np.sqrt(n + 1.0) * ((success + 1.0) / (n + 1.0) - 0.5)


def representative(
    na: np.ndarray, nd: np.ndarray, ns: np.ndarray, moderated: np.ndarray
) -> list[list[dict[str, Any]]]:
    """Section 5 for every group at once. na/nd/ns are (G, C) counts over each
    group's members; 'rest' is the other groups together."""
    na, nd, ns = (np.asarray(x, dtype=np.float64) for x in (na, nd, ns))
    rest_a, rest_d, rest_s = (x.sum(0)[None, :] - x for x in (na, nd, ns))
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    pat, pdt = _p_test(na, ns), _p_test(nd, ns)
    ra = pa / ((rest_a + 1) / (rest_s + 2))
    rd = pd / ((rest_d + 1) / (rest_s + 2))
    rat, rdt = _z_test(na, ns, rest_a, rest_s), _z_test(nd, ns, rest_d, rest_s)
    agree_ok = (rat > Z_90) & (pat > Z_90)
    disagree_ok = (rdt > Z_90) & (pdt > Z_90)
    qualifies = (agree_ok | disagree_ok) & ~moderated[None, :]
    is_agree = rat > rdt
    metric = np.where(is_agree, ra * rat * pa * pat, rd * rdt * pd * pdt)
    out = []
    for g in range(na.shape[0]):
        cols = np.flatnonzero(qualifies[g])
        top = cols[np.argsort(-metric[g, cols], kind="stable")][:REPRESENTATIVE_COUNT]
        top = np.concatenate([top[is_agree[g, top]], top[~is_agree[g, top]]])
        rows = []
        for j in top:
            agree = bool(is_agree[g, j])
            rows.append(
                {
                    "column": int(j),
                    "kind": "agree" if agree else "disagree",
                    "agrees": int(na[g, j]),
                    "disagrees": int(nd[g, j]),
                    "votes": int(ns[g, j]),
                    "p": float(pa[g, j] if agree else pd[g, j]),
                    "p_test": float(pat[g, j] if agree else pdt[g, j]),
                    "r": float(ra[g, j] if agree else rd[g, j]),
                    "r_test": float(rat[g, j] if agree else rdt[g, j]),
                    "metric": float(metric[g, j]),
                }
            )
        out.append(rows)
    return out


def consensus(
    agrees: np.ndarray, disagrees: np.ndarray, votes: np.ndarray, moderated: np.ndarray
) -> dict[str, list[dict[str, Any]]]:
    """Section 6, plain consensus over all participants."""
    out: dict[str, list[dict[str, Any]]] = {}
    ns = np.asarray(votes, dtype=np.float64)
    for kind, n in (("agree", agrees), ("disagree", disagrees)):
        n = np.asarray(n, dtype=np.float64)
        p = (n + 1) / (ns + 2)
        pt = _p_test(n, ns)
        ok = np.flatnonzero((p > 0.5) & (pt > Z_90) & ~moderated)
        top = ok[np.argsort(-(p[ok] * pt[ok]), kind="stable")][:CONSENSUS_COUNT]
        out[kind] = [
            {"column": int(j), "p": float(p[j]), "p_test": float(pt[j]), "votes": int(ns[j])}
            for j in top
        ]
    return out


def group_consensus(
    group_agrees: np.ndarray, group_votes: np.ndarray, moderated: np.ndarray
) -> np.ndarray:
    """Product over groups of (agrees_g + 1) / (votes_g + 2)."""
    if len(group_agrees) == 0:
        return np.zeros(len(moderated))
    score = ((group_agrees + 1.0) / (group_votes + 2.0)).prod(axis=0)
    return np.where(moderated, 0.0, score)


def priority(
    agrees: np.ndarray,
    passes: np.ndarray,
    votes: np.ndarray,
    extremity: np.ndarray,
    moderated: np.ndarray,
) -> np.ndarray:
    """Section 7: how likely a statement is to be shown next."""
    votes = np.asarray(votes, dtype=np.float64)
    importance = (1 - (passes + 1.0) / (votes + 2)) * (extremity + 1) * (agrees + 1.0) / (votes + 2)
    value = (importance * (1 + 8 * np.power(2.0, -votes / 5))) ** 2
    return np.where(moderated, 0.0, value)


def new_statement_priority() -> float:
    """Priority of a statement nobody has voted on yet (no column, extremity 0)."""
    return float(priority(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1, bool))[0])


def pick_next(
    statement_ids: np.ndarray, priorities: np.ndarray, rng: np.random.Generator
) -> int | None:
    """Draw one statement with probability proportional to its priority."""
    if len(statement_ids) == 0:
        return None
    weights = np.asarray(priorities, dtype=np.float64)
    total = weights.sum()
    if not total > 0:
        return int(statement_ids[rng.integers(len(statement_ids))])
    return int(rng.choice(statement_ids, p=weights / total))


# -- the whole computation ----------------------------------------------------


def _placement(matrix: Matrix, previous: State) -> np.ndarray:
    """Section 2: who is placed; sticky across recomputations."""
    n, c = matrix.value.shape
    counts = matrix.voted.sum(axis=1)
    placed = counts >= min(MIN_VOTES_TO_PLACE, c)
    if previous.placed:
        placed |= np.isin(matrix.participant_ids, np.asarray(previous.placed, dtype=np.int64))
    if placed.sum() < MIN_PLACED:
        # Top up with the most active voters (ties: earlier first voter).
        order = np.lexsort((np.arange(n), -counts))
        missing = MIN_PLACED - int(placed.sum())
        extra = order[~placed[order]][:missing]
        placed[extra] = True
    return placed


def compute(
    votes: Votes | Matrix,
    moderated_out: Any = (),
    previous: State | None = None,
    join_order: Any = None,
) -> Result:
    """Run sections 1-7 on the votes. Pass the previous run's `state` to get
    sticky placement, warm starts and group-count smoothing."""
    previous = previous or State()
    if not isinstance(votes, Matrix):
        votes = build_matrix(votes, moderated_out, join_order)
    matrix = votes
    n, c = matrix.value.shape
    state = State()

    # Section 3.
    center, centred, live = _centered(matrix)
    components = _components(centred, _previous_components(matrix, previous))
    answered = live.sum(axis=1) + int(matrix.moderated.sum())
    scale = np.sqrt(c / np.maximum(answered, 1))
    positions = scale[:, None] * np.asarray(centred @ components.T)
    statement_positions = (math.sqrt(c) * (1 - center))[:, None] * components.T
    extremity = np.sqrt((statement_positions**2).sum(1))

    # Sections 2 and 4.
    placed = _placement(matrix, previous)
    rows = np.flatnonzero(placed)
    points = positions[rows]
    base_of = np.full(n, -1)
    group_of = np.full(n, -1)
    base_centers = np.zeros((0, 2))
    groups: list[Group] = []
    silhouettes: dict[int, float] = {}
    if len(rows):
        init = _first_distinct(points, BASE_K)
        if previous.base_centers:
            warm = np.asarray(previous.base_centers, dtype=np.float64).reshape(-1, 2)
            extra = init[~(init[:, None, :] == warm[None, :, :]).all(-1).any(1)]
            init = np.concatenate([warm, extra])[: max(len(init), len(warm))]
            init = init[: min(BASE_K, len(init))]
        base_centers, labels = _kmeans(
            points, np.ones(len(points)), init, BASE_MAX_ITER, BASE_TOLERANCE
        )
        base_of[rows] = labels
        weights = np.bincount(labels, minlength=len(base_centers)).astype(np.float64)
        max_k = min(GROUP_MAX_K, 2 + len(base_centers) // 12)
        fits: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for k in range(2, max_k + 1):
            starts = [_first_distinct(base_centers, k)]
            if k in previous.group_centers:
                warm = np.asarray(previous.group_centers[k], dtype=np.float64).reshape(-1, 2)
                starts.insert(0, warm)
            if GROUP_RESTARTS and k >= 3:
                starts.append(_farthest_first(base_centers, k))
            candidates = [
                _kmeans(base_centers, weights, start, GROUP_MAX_ITER, None)
                for start in starts
                if len(start) >= k
            ]
            if not candidates:
                continue
            # The lowest weighted within-group spread wins; on a tie, the earlier
            # start (the warm one, then the spec's first-distinct one).
            centers, group_labels = min(
                candidates, key=lambda fit: round(_inertia(base_centers, weights, *fit), 9)
            )
            fits[k] = (centers, group_labels)
            silhouettes[k] = _silhouette(base_centers, group_labels)
            state.group_centers[k] = centers.tolist()
        if fits:
            top = max(silhouettes.values())
            best = max(k for k, s in silhouettes.items() if s >= top - 1e-12)
            _choose_k(best, state, previous)
            if state.k not in fits:
                state.k = best
            centers, group_labels = fits[state.k]
        else:
            state.k = 1
            centers = base_centers.mean(0, keepdims=True)
            group_labels = np.zeros(len(base_centers), dtype=np.int64)
        group_of[rows] = group_labels[labels]
        groups = [
            Group(g, np.flatnonzero(group_of == g), centers[g], []) for g in range(len(centers))
        ]

    # Sections 5-7: counts over everyone and over each group (a loop over at
    # most five groups; the sums themselves are vectorised).
    agree = matrix.voted & (matrix.value == AGREE)
    disagree = matrix.voted & (matrix.value == DISAGREE)
    agrees, disagrees = agree.sum(0), disagree.sum(0)
    vote_counts = matrix.voted.sum(0)
    passes = vote_counts - agrees - disagrees
    group_agrees = np.zeros((len(groups), c), dtype=np.int64)
    group_disagrees = np.zeros_like(group_agrees)
    group_votes = np.zeros_like(group_agrees)
    for group in groups:
        group_agrees[group.id] = agree[group.members].sum(0)
        group_disagrees[group.id] = disagree[group.members].sum(0)
        group_votes[group.id] = matrix.voted[group.members].sum(0)
    for group, rep in zip(
        groups,
        representative(group_agrees, group_disagrees, group_votes, matrix.moderated),
        strict=True,
    ):
        group.representative = rep

    state.placed = matrix.participant_ids[placed].tolist()
    state.statement_ids = matrix.statement_ids.tolist()
    state.components = components.tolist()
    state.base_centers = base_centers.tolist()
    return Result(
        matrix=matrix,
        placed=placed,
        positions=positions,
        group_of=group_of,
        groups=groups,
        base_centers=base_centers,
        base_of=base_of,
        statement_positions=statement_positions,
        extremity=extremity,
        agrees=agrees.astype(np.int64),
        disagrees=disagrees.astype(np.int64),
        passes=passes.astype(np.int64),
        group_agrees=group_agrees.astype(np.int64),
        group_disagrees=group_disagrees.astype(np.int64),
        group_votes=group_votes.astype(np.int64),
        consensus=consensus(agrees, disagrees, vote_counts, matrix.moderated),
        group_consensus=group_consensus(group_agrees, group_votes, matrix.moderated),
        priority=priority(agrees, passes, vote_counts, extremity, matrix.moderated),
        silhouettes=silhouettes,
        state=state,
    )
