"""The engine against four real Pol.is conversations (the spec's checks).

Data: Pol.is open data, CC BY 4.0, The Computational Democracy Project (see
ATTRIBUTION.md in the data folder). Read in place, never copied into the repo.
"""

from __future__ import annotations

import numpy as np
import pytest

from cocreate.consensus import engine, polis

from .helpers import ari_against, groups_by_participant

pytestmark = pytest.mark.usefixtures("polis_data")


def replay(export: polis.Export, batch: int):
    """Recompute after every `batch` votes (timestamp order, the export's
    order), carrying the state as the platform does. Yields each result."""
    votes = export.votes
    total = len(votes.values)
    state = None
    for end in [*range(batch, total, batch), total]:
        prefix = engine.Votes(votes.participants[:end], votes.statements[:end], votes.values[:end])
        result = engine.compute(
            prefix, export.moderated_out, previous=state, join_order=export.join_order
        )
        yield result
        state = result.state


@pytest.mark.parametrize(
    "name", ["scoop-hivemind.biodiversity", "vtaiwan.uberx", "15-per-hour-seattle"]
)
def test_group_count_matches_published(conversations, name):
    conversation = conversations(name)
    assert len(conversation.result.groups) == int(conversation.export.summary["groups"])


def test_london_one_shot_finds_four_groups(conversations):
    """Pinned, not desired: Pol.is published 3 groups for london.youth.policing
    (24 people placed, two groups of 3). Computed once from the final votes,
    that partition is not coherent in the final projection (silhouette 0.11),
    and the best groupings are k=4 (0.483) just ahead of k=3 (0.482); with the
    spec's first-distinct start alone k=2 wins (0.426). Pol.is got 3 because it
    computed incrementally (see the replay test). If this number changes, look
    at why before updating it."""
    conversation = conversations("london.youth.policing")
    assert conversation.export.summary["groups"] == "3"
    result = conversation.result
    assert len(result.groups) == 4
    assert max(result.silhouettes, key=lambda k: (result.silhouettes[k], k)) == 4


def test_london_replayed_incrementally_finds_the_published_three_groups(conversations):
    export = conversations("london.youth.policing").export
    results = list(replay(export, batch=10))
    final = results[-1]
    assert len(final.groups) == int(export.summary["groups"]) == 3
    assert final.state.k == 3
    assert {g.id for g in final.groups} == {0, 1, 2}
    assert all(len(g.members) for g in final.groups)


@pytest.mark.parametrize(
    ("name", "minimum"),
    [("scoop-hivemind.biodiversity", 0.9), ("vtaiwan.uberx", 0.9)],
)
def test_groups_agree_with_published_groups(conversations, name, minimum):
    # Measured when written: biodiversity 0.966, vtaiwan.uberx 0.919 (the spec
    # asks for about 0.95 and 0.85).
    conversation = conversations(name)
    assert ari_against(conversation.result, conversation.export.published_groups) >= minimum


def test_biodiversity_replay_places_exactly_443_and_placement_is_sticky(conversations):
    export = conversations("scoop-hivemind.biodiversity").export
    placed_before: set[int] = set()
    counts = []
    final = None
    for result in replay(export, batch=500):
        placed = set(groups_by_participant(result))
        assert placed_before <= placed, "a placed participant was dropped"
        # Everyone placed is in a group.
        assert (result.group_of[result.placed] >= 0).all()
        placed_before = placed
        counts.append(len(placed))
        final = result
    assert counts == sorted(counts)
    assert counts[-1] == 443
    assert len(export.published_groups) == 443
    # The replay also keeps the published grouping (measured 0.966).
    assert ari_against(final, export.published_groups) >= 0.9
    # One-shot places 441: the two extra are early participants topped up
    # into the first batches (section 2's "at least 15") who kept their place.
    one_shot = set(groups_by_participant(conversations("scoop-hivemind.biodiversity").result))
    assert len(one_shot) == 441
    extra = placed_before - one_shot
    assert len(extra) == 2
    assert one_shot <= placed_before


@pytest.mark.parametrize("name", ["scoop-hivemind.biodiversity", "vtaiwan.uberx"])
def test_computation_is_deterministic(polis_data, name):
    # biodiversity has 314 columns (sparse Lanczos path), vtaiwan 197 (dense).
    export = polis.read_export(polis_data / name)
    first, second = export.compute(), export.compute()
    np.testing.assert_array_equal(first.group_of, second.group_of)
    np.testing.assert_array_equal(first.positions, second.positions)
    np.testing.assert_array_equal(first.placed, second.placed)
    assert [g.representative for g in first.groups] == [g.representative for g in second.groups]
    assert first.consensus == second.consensus
    np.testing.assert_array_equal(first.group_consensus, second.group_consensus)
    assert first.state.to_dict() == second.state.to_dict()
    assert first.summary() == second.summary()


@pytest.mark.parametrize("name", ["scoop-hivemind.biodiversity", "vtaiwan.uberx"])
def test_moderated_out_statements_are_never_shown(conversations, name):
    conversation = conversations(name)
    result = conversation.result
    moderated = result.matrix.moderated
    ids = result.matrix.statement_ids
    out = set(conversation.export.moderated_out)
    np.testing.assert_array_equal(moderated, np.isin(ids, list(out)))
    if name == "scoop-hivemind.biodiversity":
        assert moderated.sum() > 100  # 162 statements were moderated out
    assert moderated.any()
    for group in result.groups:
        assert group.representative, f"group {group.id} has no representative statements"
        assert not any(moderated[row["column"]] for row in group.representative)
    for rows in result.consensus.values():
        assert not any(moderated[row["column"]] for row in rows)
    assert (result.group_consensus[moderated] == 0).all()
    assert (result.priority[moderated] == 0).all()
    assert (result.priority[~moderated] > 0).all()
    summary = result.summary()
    shown = {row["statement"] for rows in summary["representative"].values() for row in rows}
    shown |= {row["statement"] for rows in summary["consensus"].values() for row in rows}
    shown |= {row["statement"] for row in summary["group_consensus"]}
    assert shown
    assert not shown & out
