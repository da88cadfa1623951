"""Capped seats: every way in (joining, an accepted application, an invitation)
respects seat_limit, and the limit cannot be set below the current members."""

from __future__ import annotations

import pytest

from cocreate.communities import actions
from cocreate.communities.models import Application, Community
from cocreate.core.errors import Conflict, Invalid
from tests.communities.helpers import (
    API,
    assert_error,
    assert_member_counts_exact,
    db_state,
    post_json,
)
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(community, owner, member):
    """A community with two members and two seats: no seat is left."""
    Community.objects.filter(pk=community.pk).update(seat_limit=2)
    community.refresh_from_db()
    assert community.seats_left == 0
    return community


def test_joining_a_full_community_is_a_409_and_changes_nothing(full, api_client):
    person = UserFactory()
    client = api_client(person)
    before = db_state()

    with pytest.raises(Conflict):
        actions.join(person, full)
    response = post_json(client, f"{API}/communities/{full.slug}/join")

    assert_error(response, 409, "conflict")
    assert db_state() == before


def test_the_last_seat_can_be_taken_and_the_api_shows_seats_left(community, owner):
    Community.objects.filter(pk=community.pk).update(seat_limit=2)
    community.refresh_from_db()
    assert client_for(None).get(f"{API}/communities/{community.slug}").json()["seats_left"] == 1

    actions.join(UserFactory(), community)

    body = client_for(None).get(f"{API}/communities/{community.slug}").json()
    assert (body["seat_limit"], body["member_count"], body["seats_left"]) == (2, 2, 0)
    assert_member_counts_exact()


def test_a_full_community_page_says_all_seats_are_taken_instead_of_offering_join(full):
    person = UserFactory()
    html = client_for(person).get(f"/c/{full.slug}/").content.decode()

    assert "All seats are taken." in html
    assert f'action="/c/{full.slug}/join/"' not in html


def test_joining_a_full_community_through_the_page_is_refused(full):
    before = db_state()
    page = client_for(UserFactory()).post(f"/c/{full.slug}/join/")
    assert page.status_code == 409
    assert "This community has no free seats." in page.content.decode()
    assert db_state() == before


def test_accepting_an_application_into_a_full_community_is_a_409_and_stays_pending(
    full, owner, api_client
):
    Community.objects.filter(pk=full.pk).update(join_policy="application")
    full.refresh_from_db()
    applicant = UserFactory()
    application = actions.apply(applicant, full, answers=[])
    client = api_client(owner)
    before = db_state()

    with pytest.raises(Conflict):
        actions.decide_application(owner, application, accept=True)
    response = post_json(client, f"{API}/applications/{application.pk}/decision", {"accept": True})

    assert_error(response, 409, "conflict")
    assert db_state() == before
    assert Application.objects.get(pk=application.pk).status == "pending"
    # Declining still works when no seat is needed.
    actions.decide_application(owner, application, accept=False, message="Full")
    assert Application.objects.get(pk=application.pk).status == "declined"


def test_accepting_an_invitation_into_a_full_community_is_a_409_and_uses_nothing(
    full, owner, api_client
):
    invitation = actions.create_invitation(owner, full, max_uses=3)
    person = UserFactory()
    client = api_client(person)
    before = db_state()

    with pytest.raises(Conflict):
        actions.accept_invitation(person, invitation.code)
    response = post_json(client, f"{API}/invitations/{invitation.code}/accept")

    assert_error(response, 409, "conflict")
    assert db_state() == before
    invitation.refresh_from_db()
    assert invitation.use_count == 0


def test_a_seat_freed_by_leaving_can_be_taken_again(full, member):
    actions.leave(member, full)
    newcomer = UserFactory()

    actions.join(newcomer, full)

    full.refresh_from_db()
    assert full.member_count == 2
    assert_member_counts_exact()


@pytest.mark.parametrize("limit", [1, 2])
def test_lowering_the_seat_limit_below_the_members_is_rejected(
    community, owner, member, staff, limit
):
    before = db_state()
    with pytest.raises(Invalid) as exc:
        actions.update_community(owner, Community.objects.get(pk=community.pk), seat_limit=limit)
    assert "seat_limit" in exc.value.fields
    assert db_state() == before


def test_api_lowering_the_seat_limit_below_the_members_is_a_422(
    community, owner, member, api_client
):
    client = api_client(owner)
    before = db_state()

    response = post_json(
        client, f"{API}/communities/{community.slug}", {"seat_limit": 1}, method="patch"
    )

    assert_error(response, 422, "invalid", field="seat_limit")
    assert db_state() == before


def test_the_settings_page_refuses_a_seat_limit_below_the_members(community, owner, member):
    before = db_state()
    response = client_for(owner).post(
        f"/c/{community.slug}/edit/",
        {
            "name": community.name,
            "description": community.description,
            "visibility": "public",
            "join_policy": "open",
            "seat_limit": "1",
            "application_questions": "",
        },
    )
    assert response.status_code == 422
    assert "There are already more members than that." in response.content.decode()
    assert db_state() == before


def test_seat_limit_may_equal_the_members_or_be_removed(community, owner, member, api_client):
    client = api_client(owner)
    url = f"{API}/communities/{community.slug}"

    exact = post_json(client, url, {"seat_limit": 2}, method="patch")
    assert exact.status_code == 200, exact.content
    assert (exact.json()["seat_limit"], exact.json()["seats_left"]) == (2, 0)

    removed = post_json(client, url, {"seat_limit": None}, method="patch")
    assert removed.status_code == 200, removed.content
    assert removed.json()["seat_limit"] is None
    community.refresh_from_db()
    assert community.seat_limit is None
