"""Shared helpers for the engine tests."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score


def groups_by_participant(result) -> dict[int, int]:
    """participant id -> computed group, for placed participants only."""
    ids = result.matrix.participant_ids
    return {int(ids[i]): int(result.group_of[i]) for i in np.flatnonzero(result.placed)}


def ari_against(result, reference: dict[int, int]) -> float:
    """Adjusted Rand index over participants placed by both."""
    ours = groups_by_participant(result)
    both = sorted(set(ours) & set(reference))
    assert both, "no participant is placed by both"
    return float(adjusted_rand_score([reference[p] for p in both], [ours[p] for p in both]))
