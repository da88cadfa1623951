from types import SimpleNamespace

import pytest

from cocreate.communities.models import Role
from tests.challenges.conftest import (  # noqa: F401
    author,
    challenge,
    clock,
    idea,
    make_members,
)
from tests.challenges.helpers import make_challenge
from tests.factories import CommunityFactory, UserFactory, add_member


@pytest.fixture
def private_space(db, author) -> SimpleNamespace:  # noqa: F811
    """A private community where `author` is a member, with a published challenge
    (open for submissions) run by its own owner."""
    space = CommunityFactory(visibility="private")
    boss = UserFactory(display_name="Pia Private-Owner")
    add_member(space, boss, Role.OWNER)
    add_member(space, author, Role.MEMBER)
    return SimpleNamespace(
        community=space, owner=boss, challenge=make_challenge(boss, space, title="Secret plans")
    )
