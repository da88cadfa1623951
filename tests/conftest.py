"""Shared fixtures: one set of role fixtures used by every test (owner, staff,
moderator, member, outsider, site staff) around one public community."""

from __future__ import annotations

import pytest
from django.test import Client

from cocreate.accounts.models import User
from cocreate.communities.models import Community, Role
from tests.factories import PASSWORD, CommunityFactory, UserFactory, add_member


@pytest.fixture
def community(db) -> Community:
    return CommunityFactory()


@pytest.fixture
def owner(community) -> User:
    user = UserFactory(display_name="Olga Owner")
    add_member(community, user, Role.OWNER)
    return user


@pytest.fixture
def staff(community) -> User:
    user = UserFactory(display_name="Sam Staff")
    add_member(community, user, Role.STAFF)
    return user


@pytest.fixture
def moderator(community) -> User:
    user = UserFactory(display_name="Mo Moderator")
    add_member(community, user, Role.MODERATOR)
    return user


@pytest.fixture
def member(community) -> User:
    user = UserFactory(display_name="Mia Member")
    add_member(community, user, Role.MEMBER)
    return user


@pytest.fixture
def outsider(db) -> User:
    return UserFactory(display_name="Otto Outsider")


@pytest.fixture
def site_staff(db) -> User:
    return UserFactory(display_name="Sita Site-Staff", is_staff=True)


@pytest.fixture
def password() -> str:
    return PASSWORD


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def api_client():
    """A JSON client authenticated by a real API token for the given user."""

    def make(user: User | None) -> Client:
        from cocreate.accounts.actions import create_token

        if user is None:
            return Client()
        _token, raw = create_token(user, name="tests")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make
