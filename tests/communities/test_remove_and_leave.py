"""Removing a member needs a reason; removing or leaving a community also ends the
person's circle memberships, and every member_count stays equal to the real
number of memberships."""

from __future__ import annotations

import pytest

from cocreate.accounts.models import User
from cocreate.communities import actions
from cocreate.communities.models import Membership, Role
from cocreate.core.errors import Forbidden, Invalid
from cocreate.core.models import Event
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


def membership(community, user) -> Membership:
    return Membership.objects.select_related("community", "user").get(
        community=community, user=user
    )


@pytest.fixture
def circles(community, owner, member):
    """Two circles of the community; the member belongs to both."""
    made = [
        actions.create_circle(owner, community, name="Gravel", slug="gravel"),
        actions.create_circle(owner, community, name="Road", slug="road"),
    ]
    for circle in made:
        actions.join(member, circle)
    assert_member_counts_exact()
    return made


@pytest.mark.parametrize("reason", ["", "   "])
def test_removing_without_a_reason_is_a_422_and_changes_nothing(
    community, staff, member, api_client, reason
):
    client = api_client(staff)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.remove_member(staff, membership(community, member), reason=reason)
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{member.pk}/remove",
        {"reason": reason},
    )
    page = client_for(staff).post(
        f"/c/{community.slug}/admin/members/{member.pk}/remove/", {"reason": reason}
    )

    assert "reason" in exc.value.fields
    assert_error(response, 422, "invalid", field="reason")
    assert page.status_code == 422
    assert db_state() == before


def test_api_without_a_reason_field_is_a_422(community, staff, member, api_client):
    client = api_client(staff)
    before = db_state()
    response = post_json(client, f"{API}/communities/{community.slug}/members/{member.pk}/remove")
    assert_error(response, 422, "invalid", field="reason")
    assert db_state() == before


def test_removing_with_a_reason_ends_the_membership_and_records_it(
    community, owner, staff, member, api_client
):
    response = post_json(
        api_client(staff),
        f"{API}/communities/{community.slug}/members/{member.pk}/remove",
        {"reason": "Spam in three threads"},
    )

    assert response.status_code == 204, response.content
    assert not Membership.objects.filter(community=community, user=member).exists()
    community.refresh_from_db()
    assert community.member_count == 2
    assert_member_counts_exact()
    event = Event.objects.get(kind="membership.removed")
    assert event.actor == staff
    assert event.data == {"user_id": member.pk, "reason": "Spam in three threads", "role": "member"}


def test_removal_also_removes_circle_memberships(community, owner, member, circles):
    other = UserFactory()
    actions.join(other, community)
    actions.join(other, circles[0])

    actions.remove_member(owner, membership(community, member), reason="Left the club")

    assert not Membership.objects.filter(user=member).exists()
    assert Membership.objects.filter(community=circles[0], user=other).exists()
    for circle in circles:
        circle.refresh_from_db()
    # The owner (circle creator) remains in both, the other person in the first.
    assert [c.member_count for c in circles] == [2, 1]
    assert_member_counts_exact()


def test_removal_through_the_admin_page(community, owner, member, circles):
    response = client_for(owner).post(
        f"/c/{community.slug}/admin/members/{member.pk}/remove/", {"reason": "Asked to"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=member).exists()
    assert_member_counts_exact()


def test_removing_from_a_circle_keeps_the_parent_membership(community, owner, member, circles):
    actions.remove_member(owner, membership(circles[0], member), reason="Off topic")

    assert Membership.objects.filter(community=community, user=member).exists()
    assert Membership.objects.filter(community=circles[1], user=member).exists()
    assert not Membership.objects.filter(community=circles[0], user=member).exists()
    assert_member_counts_exact()


@pytest.mark.parametrize("who", ["moderator", "member", "outsider"])
def test_others_cannot_remove_members(request, community, owner, staff, api_client, who):
    person = request.getfixturevalue(who)
    target = UserFactory()
    actions.join(target, community)
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.remove_member(person, membership(community, target), reason="Because")
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{target.pk}/remove",
        {"reason": "Because"},
    )
    page = client_for(person).post(
        f"/c/{community.slug}/admin/members/{target.pk}/remove/", {"reason": "Because"}
    )

    assert_error(response, 403, "forbidden")
    assert page.status_code == 403
    assert db_state() == before


@pytest.mark.parametrize("target", ["owner", "other_staff"])
def test_staff_cannot_remove_staff_or_owners(community, owner, staff, api_client, target):
    if target == "other_staff":
        person = UserFactory()
        actions.join(person, community)
        actions.change_role(owner, membership(community, person), Role.STAFF)
    else:
        person = owner
    client = api_client(staff)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.remove_member(staff, membership(community, person), reason="Coup")
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{person.pk}/remove",
        {"reason": "Coup"},
    )

    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_nobody_removes_themselves_they_leave(community, owner, staff):
    before = db_state()
    with pytest.raises(Forbidden):
        actions.remove_member(staff, membership(community, staff), reason="Bye")
    assert db_state() == before


def test_leaving_ends_the_membership_and_its_circles(community, owner, member, circles, api_client):
    response = post_json(api_client(member), f"{API}/communities/{community.slug}/leave")

    assert response.status_code == 204, response.content
    assert not Membership.objects.filter(user=member).exists()
    community.refresh_from_db()
    assert community.member_count == 1
    assert_member_counts_exact()
    assert Event.objects.filter(kind="membership.left", actor=member).count() == 1


def test_leaving_through_the_page(community, owner, member, circles):
    response = client_for(member).post(f"/c/{community.slug}/leave/")
    assert response.status_code == 302
    assert response["Location"] == f"/c/{community.slug}/"
    assert not Membership.objects.filter(user=member).exists()
    assert_member_counts_exact()


def test_leaving_a_private_community_returns_home(community, owner, member):
    community.visibility = "private"
    community.save()
    client = client_for(member)

    response = client.post(f"/c/{community.slug}/leave/")

    assert not Membership.objects.filter(community=community, user=member).exists()
    assert response.status_code == 302
    # The community is now hidden from them: send them home, not to a 404.
    assert response["Location"] == "/"
    assert client.get(response["Location"]).status_code == 200


def test_the_same_person_object_can_rejoin_after_leaving(community, owner, member):
    # The role memoised on the acting user must be forgotten when they leave.
    actions.leave(member, community)

    actions.join(member, community)

    assert Membership.objects.filter(community=community, user=member).exists()
    assert_member_counts_exact()


def test_leaving_a_circle_keeps_the_parent(community, owner, member, circles):
    actions.leave(member, circles[1])

    assert Membership.objects.filter(community=community, user=member).exists()
    assert not Membership.objects.filter(community=circles[1], user=member).exists()
    assert_member_counts_exact()


def test_someone_who_is_not_a_member_cannot_leave(community, owner, outsider, api_client):
    client = api_client(outsider)
    before = db_state()
    with pytest.raises(Forbidden):
        actions.leave(outsider, community)
    response = post_json(client, f"{API}/communities/{community.slug}/leave")
    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_counts_stay_exact_through_a_mixed_history(community, owner, staff):
    circle = actions.create_circle(owner, community, name="Gravel", slug="gravel")
    people = [UserFactory() for _ in range(4)]
    for person in people:
        actions.join(person, community)
        actions.join(person, circle)
    assert_member_counts_exact()

    actions.leave(people[0], community)
    actions.leave(people[1], circle)
    actions.remove_member(staff, membership(community, people[2]), reason="Spam")
    rejoining = User.objects.get(pk=people[0].pk)
    actions.join(rejoining, community)
    actions.join(rejoining, circle)

    assert_member_counts_exact()
    community.refresh_from_db()
    circle.refresh_from_db()
    assert community.member_count == 5  # owner, staff, people 0, 1 and 3
    assert circle.member_count == 3  # owner, people[0], people[3]
