"""Synthetic conversations with planted opinion groups, for tests and the
benchmark. Pure numpy; every draw comes from the seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine import Votes


@dataclass
class Planted:
    votes: Votes
    truth: np.ndarray  # planted group of participant i (ids are 0..n-1)
    stances: np.ndarray  # (groups, statements): +1 agree, -1 disagree


def planted(
    participants: int,
    statements: int,
    groups: int,
    missing: float,
    *,
    fidelity: float = 0.85,
    pass_rate: float = 0.05,
    seed: int = 0,
    votes: int | None = None,
) -> Planted:
    """Groups sit evenly on a circle in a two-dimensional opinion space and
    each statement points in a random direction of it: a group agrees with
    the statements pointing its way and disagrees with the others (the
    structure opinion maps are built to show). Members vote their group's stance with
    probability `fidelity`, pass with `pass_rate`, else the opposite. Each
    participant votes on a random `1 - missing` share of the statements, or,
    with `votes`, on about votes / participants of them. Votes are returned in
    a shuffled order (as if cast over time), statement ids are 0..m-1."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(groups, size=participants)
    truth[:groups] = np.arange(groups)  # every group has members
    angle = 2 * np.pi * np.arange(groups) / groups
    direction = rng.uniform(0, 2 * np.pi, size=statements)
    stances = np.where(np.cos(angle[:, None] - direction[None, :]) >= 0, 1, -1).astype(np.int8)
    if votes is None:
        cast = rng.random((participants, statements)) >= missing
        rows, cols = np.nonzero(cast)
    else:
        # Sample cells without building the dense mask (the 1M-vote case).
        cells = rng.choice(participants * statements, size=votes, replace=False)
        rows, cols = np.divmod(cells, statements)
    draw = rng.random(len(rows))
    stance = stances[truth[rows], cols]
    value = np.where(
        draw < fidelity, stance, np.where(draw < fidelity + pass_rate, 0, -stance)
    ).astype(np.int8)
    order = rng.permutation(len(rows))
    return Planted(
        Votes(rows[order].astype(np.int64), cols[order].astype(np.int64), value[order]),
        truth,
        stances,
    )
