"""Roles: owners set any role, staff manage roles below staff, a community always
keeps an owner, every change is recorded, and roles show as badges."""

from __future__ import annotations

import pytest

from cocreate.communities import actions
from cocreate.communities.models import Membership, Role
from cocreate.core.errors import Conflict, Forbidden
from cocreate.core.models import Event
from tests.communities.helpers import (
    API,
    assert_error,
    assert_member_counts_exact,
    db_state,
    post_json,
)
from tests.conftest import client_for
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db

BELOW_STAFF = [Role.MODERATOR, Role.EMPLOYEE, Role.PARTNER, Role.MEMBER]


def membership(community, user) -> Membership:
    return Membership.objects.select_related("community", "user").get(
        community=community, user=user
    )


def role_of(community, user) -> str:
    return Membership.objects.get(community=community, user=user).role


@pytest.mark.parametrize("role", list(Role))
def test_owner_can_set_any_role(community, owner, member, role):
    actions.change_role(owner, membership(community, member), role)
    assert role_of(community, member) == role


@pytest.mark.parametrize("role", list(Role))
def test_site_staff_can_set_any_role(community, owner, member, site_staff, role):
    actions.change_role(site_staff, membership(community, member), role)
    assert role_of(community, member) == role


@pytest.mark.parametrize("role", [Role.STAFF, Role.MODERATOR, Role.MEMBER])
def test_owner_can_change_staff_and_other_owners(community, owner, staff, role):
    second_owner = UserFactory()
    add_member(community, second_owner, Role.OWNER)

    actions.change_role(owner, membership(community, staff), role)
    actions.change_role(owner, membership(community, second_owner), role)

    assert role_of(community, staff) == role
    assert role_of(community, second_owner) == role


@pytest.mark.parametrize("role", BELOW_STAFF)
def test_staff_can_set_roles_below_staff(community, staff, moderator, member, role):
    actions.change_role(staff, membership(community, member), role)
    actions.change_role(staff, membership(community, moderator), role)
    assert role_of(community, member) == role
    assert role_of(community, moderator) == role


@pytest.mark.parametrize("role", [Role.STAFF, Role.OWNER])
def test_staff_cannot_grant_staff_or_owner(community, owner, staff, member, api_client, role):
    client = api_client(staff)
    before = db_state()

    # Granting a managing role is the owners' decision: a permission refusal (403).
    with pytest.raises(Forbidden):
        actions.change_role(staff, membership(community, member), role)
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{member.pk}",
        {"role": role},
        method="patch",
    )

    assert_error(response, 403, "forbidden")
    assert db_state() == before


@pytest.mark.parametrize("target", ["owner", "other_staff"])
@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF, Role.OWNER])
def test_staff_cannot_change_staff_or_owners(
    request, community, owner, staff, api_client, target, role
):
    if target == "other_staff":
        person = UserFactory()
        add_member(community, person, Role.STAFF)
    else:
        person = owner
    client = api_client(staff)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.change_role(staff, membership(community, person), role)
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{person.pk}",
        {"role": role},
        method="patch",
    )
    page = client_for(staff).post(
        f"/c/{community.slug}/admin/members/{person.pk}/role/", {"role": role}
    )

    assert_error(response, 403, "forbidden")
    assert page.status_code == 403
    assert db_state() == before


def test_staff_cannot_change_their_own_role(community, owner, staff):
    before = db_state()
    with pytest.raises(Forbidden):
        actions.change_role(staff, membership(community, staff), Role.MEMBER)
    assert db_state() == before


@pytest.mark.parametrize("who", ["moderator", "member", "outsider"])
def test_others_cannot_change_roles(request, community, owner, staff, member, api_client, who):
    person = request.getfixturevalue(who)
    target = UserFactory()
    add_member(community, target)
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.change_role(person, membership(community, target), Role.MODERATOR)
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{target.pk}",
        {"role": "moderator"},
        method="patch",
    )

    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_unknown_role_is_a_422(community, owner, member, api_client):
    client = api_client(owner)
    before = db_state()
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{member.pk}",
        {"role": "emperor"},
        method="patch",
    )
    assert_error(response, 422, "invalid", field="role")
    assert db_state() == before


def test_changing_the_role_of_a_non_member_is_a_404(community, owner, outsider, api_client):
    client = api_client(owner)
    before = db_state()
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{outsider.pk}",
        {"role": "staff"},
        method="patch",
    )
    assert_error(response, 404, "not_found")
    assert db_state() == before


def test_the_last_owner_cannot_be_demoted(community, owner, site_staff, api_client):
    client = api_client(owner)
    before = db_state()

    with pytest.raises(Conflict):
        actions.change_role(owner, membership(community, owner), Role.STAFF)
    with pytest.raises(Conflict):
        actions.change_role(site_staff, membership(community, owner), Role.MEMBER)
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{owner.pk}",
        {"role": "member"},
        method="patch",
    )

    assert_error(response, 409, "conflict")
    assert db_state() == before


def test_an_owner_can_step_down_when_another_owner_remains(community, owner, staff):
    actions.change_role(owner, membership(community, staff), Role.OWNER)
    actions.change_role(owner, membership(community, owner), Role.MEMBER)

    assert role_of(community, owner) == Role.MEMBER
    assert role_of(community, staff) == Role.OWNER


def test_the_last_owner_cannot_be_removed(community, owner, site_staff, api_client):
    client = api_client(site_staff)
    before = db_state()

    with pytest.raises(Conflict):
        actions.remove_member(site_staff, membership(community, owner), reason="Cleanup")
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/members/{owner.pk}/remove",
        {"reason": "Cleanup"},
    )

    assert_error(response, 409, "conflict")
    assert db_state() == before


def test_the_last_owner_cannot_leave(community, owner, member, api_client):
    client = api_client(owner)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.leave(owner, community)
    response = post_json(client, f"{API}/communities/{community.slug}/leave")
    page = client_for(owner).post(f"/c/{community.slug}/leave/")

    assert_error(response, 403, "forbidden")
    assert page.status_code == 403
    assert db_state() == before


def test_an_owner_can_leave_when_another_owner_remains(community, owner, member):
    other = UserFactory()
    add_member(community, other, Role.OWNER)

    actions.leave(owner, community)

    assert not Membership.objects.filter(community=community, user=owner).exists()
    assert_member_counts_exact()


def test_every_role_change_is_recorded_with_old_and_new(community, owner, staff, member):
    actions.change_role(staff, membership(community, member), Role.PARTNER)
    actions.change_role(owner, membership(community, member), Role.STAFF)
    before = Event.objects.count()
    actions.change_role(owner, membership(community, member), Role.STAFF)  # no change
    assert Event.objects.count() == before

    events = Event.objects.filter(kind="membership.role_changed").order_by("pk")
    assert [(e.actor, e.data["old"], e.data["new"]) for e in events] == [
        (staff, "member", "partner"),
        (owner, "partner", "staff"),
    ]
    for event in events:
        assert event.community == community
        assert event.data["user_id"] == member.pk
        assert event.target_id == membership(community, member).pk


def test_role_changes_appear_in_the_membership_log(community, owner, member, api_client):
    actions.change_role(owner, membership(community, member), Role.EMPLOYEE)

    body = api_client(owner).get(f"{API}/communities/{community.slug}/log").json()

    entry = next(e for e in body["items"] if e["kind"] == "membership.role_changed")
    assert entry["actor"]["id"] == owner.pk
    assert (entry["data"]["old"], entry["data"]["new"]) == ("member", "employee")


def test_api_owner_changes_a_role(community, owner, member, api_client):
    response = post_json(
        api_client(owner),
        f"{API}/communities/{community.slug}/members/{member.pk}",
        {"role": "moderator"},
        method="patch",
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "moderator"
    assert response.json()["user"]["id"] == member.pk
    assert role_of(community, member) == "moderator"


def test_admin_page_changes_a_role(community, owner, member):
    response = client_for(owner).post(
        f"/c/{community.slug}/admin/members/{member.pk}/role/", {"role": "partner"}
    )
    assert response.status_code == 302
    assert role_of(community, member) == "partner"


def test_role_badges_render_next_to_names_on_the_members_page(
    community, owner, staff, moderator, member
):
    employee = UserFactory(display_name="Eve Employee")
    add_member(community, employee, Role.EMPLOYEE)

    html = client_for(None).get(f"/c/{community.slug}/members/").content.decode()

    for name, role, label in [
        ("Olga Owner", "owner", "Owner"),
        ("Sam Staff", "staff", "Staff"),
        ("Mo Moderator", "moderator", "Moderator"),
        ("Mia Member", "member", "Member"),
        ("Eve Employee", "employee", "Employee"),
    ]:
        badge = f'<span class="badge badge-{role}">{label}</span>'
        assert f"<strong>{name}</strong></a> {badge}" in html, name


def test_role_badges_render_on_the_community_page(community, owner, member):
    html = client_for(None).get(f"/c/{community.slug}/").content.decode()
    assert 'Olga Owner</a> <span class="badge badge-owner">Owner</span>' in html
    assert 'Mia Member</a> <span class="badge badge-member">Member</span>' in html


def test_members_page_filters_by_role(community, owner, staff, moderator, member):
    client = client_for(None)

    staff_only = client.get(f"/c/{community.slug}/members/", {"role": "staff"}).content.decode()
    everyone = client.get(f"/c/{community.slug}/members/").content.decode()
    unknown = client.get(f"/c/{community.slug}/members/", {"role": "emperor"}).content.decode()

    assert "Sam Staff" in staff_only
    for name in ("Olga Owner", "Mo Moderator", "Mia Member"):
        assert name not in staff_only
        assert name in everyone
        assert name in unknown  # an unknown role filter shows everyone
    assert 'href="?role=staff" aria-current="page"' in staff_only
    assert "Everyone (4)" in everyone


def test_api_members_list_filters_by_role(community, owner, staff, moderator, member):
    url = f"{API}/communities/{community.slug}/members"
    body = client_for(None).get(url, {"role": "moderator"}).json()
    assert body["count"] == 1
    assert body["items"][0]["user"] == {
        "id": moderator.pk,
        "display_name": "Mo Moderator",
        "handle": moderator.handle,
    }
    assert body["items"][0]["role"] == "moderator"
    assert client_for(None).get(url).json()["count"] == 4
