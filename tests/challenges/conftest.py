"""Fixtures for the challenge and idea tests (the idea tests import them)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cocreate.accounts.models import User
from cocreate.challenges.models import Challenge
from cocreate.communities.models import Role
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea
from tests.challenges.helpers import make_challenge
from tests.factories import UserFactory, add_member


@pytest.fixture
def challenge(community, owner) -> Challenge:
    """A published challenge of `community`, in its submission phase."""
    return make_challenge(owner, community)


@pytest.fixture
def author(community) -> User:
    user = UserFactory(display_name="Ada Author")
    add_member(community, user, Role.MEMBER)
    return user


@pytest.fixture
def idea(challenge, author) -> Idea:
    return idea_actions.submit_idea(
        author, challenge, title="Refillable bottles", body="Bottles you bring back and refill."
    )


@pytest.fixture
def make_members(community):
    """make_members(n) -> n new members of `community`."""

    def make(n: int, role: str = Role.MEMBER) -> list[User]:
        people = []
        for _ in range(n):
            person = UserFactory()
            add_member(community, person, role)
            people.append(person)
        return people

    return make


class Clock:
    """A frozen clock that tests move forward by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze django.utils.timezone.now (used by the actions, permission phases and
    auto_now fields) at 2030-01-01 UTC."""
    from datetime import UTC

    from django.utils import timezone

    frozen = Clock(datetime(2030, 1, 1, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen
