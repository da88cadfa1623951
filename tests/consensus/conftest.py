"""Fixtures for the conversation tests (the engine tests in engine/ have their own)."""

from __future__ import annotations

import pytest

from cocreate.consensus import actions
from cocreate.consensus.models import Conversation
from tests.challenges.conftest import (  # noqa: F401
    author,
    challenge,
    clock,
    idea,
    make_members,
)

SEEDS = [
    "The park should keep its old trees",
    "A playground matters more than a car park",
    "Dogs should be kept on a lead",
    "The cafe should stay open in winter",
    "Night lighting makes the park safer",
    "Cycling paths should be separate from footpaths",
    "The pond should be restored for wildlife",
    "Concerts in summer are a good idea",
]


@pytest.fixture
def conversation(owner, community) -> Conversation:
    """An open, post-moderated conversation of `community` with eight seeds."""
    return actions.create_conversation(
        owner, community, title="What should the park become?", statements=SEEDS
    )


@pytest.fixture
def london():
    from tests.consensus.helpers import london_folder

    return london_folder()
