"""Circles (sub-communities): staff create them, members propose them for staff to
approve or decline, proposals stay hidden from everyone else, and circle
membership requires membership of the parent."""

from __future__ import annotations

import pytest

from cocreate.communities import actions
from cocreate.communities.models import Community, Membership
from cocreate.core.errors import Conflict, Forbidden, Invalid
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


@pytest.fixture
def proposal(community, owner, staff, member):
    return actions.propose_circle(
        member, community, name="Night Rides", slug="night-rides", description="After dark"
    )


@pytest.fixture
def other_member(community):
    person = UserFactory(display_name="Nina Neighbour")
    actions.join(person, community)
    return person


def test_staff_create_an_active_circle_and_own_it(community, staff):
    circle = actions.create_circle(staff, community, name="Gravel", slug="gravel")

    assert circle.parent == community
    assert circle.circle_status == "active"
    assert circle.visibility == community.visibility
    assert Membership.objects.get(community=circle).user == staff
    assert Membership.objects.get(community=circle).role == "owner"
    assert circle.current_charter().number == 1
    assert Event.objects.filter(kind="circle.created", target_id=circle.pk).count() == 1
    assert_member_counts_exact()


def test_site_staff_who_are_not_members_create_an_empty_circle(community, site_staff):
    circle = actions.create_circle(site_staff, community, name="Gravel", slug="gravel")
    assert circle.circle_status == "active"
    assert not Membership.objects.filter(community=circle).exists()
    assert_member_counts_exact()


def test_api_staff_post_creates_an_active_circle(community, staff, api_client):
    response = post_json(
        api_client(staff),
        f"{API}/communities/{community.slug}/circles",
        {"name": "Gravel", "slug": "gravel"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["circle_status"], body["parent"]) == ("active", community.slug)
    assert body["member_count"] == 1


def test_circle_slug_is_validated(community, staff, api_client):
    client = api_client(staff)
    before = db_state()
    with pytest.raises(Invalid) as exc:
        actions.create_circle(staff, community, name="Gravel", slug=community.slug)
    response = post_json(
        client, f"{API}/communities/{community.slug}/circles", {"name": "X", "slug": "Bad slug"}
    )
    assert "slug" in exc.value.fields
    assert_error(response, 422, "invalid", field="slug")
    assert db_state() == before


def test_a_member_proposes_a_circle(proposal, community, member):
    assert proposal.circle_status == "proposed"
    assert proposal.created_by == member
    assert not Membership.objects.filter(community=proposal).exists()
    assert Event.objects.filter(kind="circle.proposed", actor=member).count() == 1


def test_api_member_post_proposes_a_circle(community, member, api_client):
    response = post_json(
        api_client(member),
        f"{API}/communities/{community.slug}/circles",
        {"name": "Night Rides", "slug": "night-rides", "join_policy": "invitation"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["circle_status"] == "proposed"
    assert Community.objects.get(slug="night-rides").join_policy == "open"


def test_proposal_page_by_a_member(community, member):
    client = client_for(member)
    assert "Propose a circle" in client.get(f"/c/{community.slug}/").content.decode()
    response = client.post(
        f"/c/{community.slug}/circles/new/", {"name": "Night Rides", "slug": "night-rides"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/c/night-rides/"
    assert Community.objects.get(slug="night-rides").circle_status == "proposed"


def test_outsiders_cannot_propose_circles(community, owner, outsider, api_client):
    person = outsider
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.propose_circle(person, community, name="Mine", slug="mine")
    response = post_json(
        client, f"{API}/communities/{community.slug}/circles", {"name": "Mine", "slug": "mine"}
    )
    page = client_for(person).post(
        f"/c/{community.slug}/circles/new/", {"name": "Mine", "slug": "mine"}
    )

    assert_error(response, 403, "forbidden")
    assert page.status_code == 403
    assert db_state() == before


@pytest.mark.parametrize("who", ["moderator", "member"])
def test_members_cannot_create_active_circles(request, community, owner, who):
    person = request.getfixturevalue(who)
    before = db_state()
    with pytest.raises(Forbidden):
        actions.create_circle(person, community, name="Mine", slug="mine")
    assert db_state() == before


def test_circles_do_not_nest(community, owner, member):
    circle = actions.create_circle(owner, community, name="Gravel", slug="gravel")
    actions.join(member, circle)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.propose_circle(member, circle, name="Sub", slug="sub")
    with pytest.raises(Forbidden):
        actions.create_circle(owner, circle, name="Sub", slug="sub")

    assert db_state() == before


@pytest.mark.parametrize("who", ["member", "owner", "staff", "site_staff"])
def test_a_proposal_is_visible_to_the_proposer_and_staff(request, proposal, who, api_client):
    person = request.getfixturevalue(who)
    assert client_for(person).get("/c/night-rides/").status_code == 200
    assert api_client(person).get(f"{API}/communities/night-rides").status_code == 200
    listed = api_client(person).get(f"{API}/communities/{proposal.parent.slug}/circles").json()
    assert [c["slug"] for c in listed["items"]] == ["night-rides"]


@pytest.mark.parametrize("who", ["other_member", "moderator", "outsider", None])
def test_a_proposal_is_hidden_from_everyone_else(request, proposal, who, api_client):
    person = request.getfixturevalue(who) if who else None
    parent = proposal.parent

    assert client_for(person).get("/c/night-rides/").status_code == 404
    assert_error(api_client(person).get(f"{API}/communities/night-rides"), 404, "not_found")
    listed = api_client(person).get(f"{API}/communities/{parent.slug}/circles").json()
    assert listed == {"items": [], "count": 0}
    parent_page = client_for(person).get(f"/c/{parent.slug}/").content.decode()
    assert "Night Rides" not in parent_page


def test_staff_see_proposals_on_the_parent_and_admin_pages(proposal, staff):
    parent = proposal.parent
    page = client_for(staff).get(f"/c/{parent.slug}/").content.decode()
    assert "Night Rides" in page and "Proposed" in page
    admin = client_for(staff).get(f"/c/{parent.slug}/admin/").content.decode()
    assert "Night Rides" in admin


@pytest.mark.parametrize(
    ("who", "status"), [("member", 403), ("staff", 403), ("other_member", 404)]
)
def test_a_proposal_cannot_be_joined(request, proposal, api_client, who, status):
    person = request.getfixturevalue(who)
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.join(person, proposal)
    response = post_json(client, f"{API}/communities/night-rides/join")

    assert_error(response, status, {403: "forbidden", 404: "not_found"}[status])
    assert db_state() == before


@pytest.mark.parametrize("who", ["owner", "staff", "site_staff"])
def test_approving_makes_the_circle_active_and_the_proposer_its_owner(
    request, proposal, member, who
):
    decider = request.getfixturevalue(who)

    circle = actions.decide_circle(decider, proposal, approve=True, message="Great idea")

    circle.refresh_from_db()
    assert circle.circle_status == "active"
    assert Membership.objects.get(community=circle).user == member
    assert Membership.objects.get(community=circle).role == "owner"
    assert circle.member_count == 1
    event = Event.objects.get(kind="circle.decided")
    assert (event.actor, event.data["approved"], event.data["message"]) == (
        decider,
        True,
        "Great idea",
    )
    assert_member_counts_exact()


def test_api_approval_reports_the_new_member_count(proposal, staff, api_client):
    response = post_json(
        api_client(staff), f"{API}/communities/night-rides/decision", {"approve": True}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["circle_status"] == "active"
    assert body["member_count"] == 1


def test_an_approved_circle_is_visible_and_joinable_for_parent_members(
    proposal, staff, other_member
):
    actions.decide_circle(staff, proposal, approve=True)
    circle = Community.objects.get(pk=proposal.pk)

    assert client_for(other_member).get("/c/night-rides/").status_code == 200
    actions.join(other_member, circle)

    assert Membership.objects.filter(community=circle, user=other_member).exists()
    assert_member_counts_exact()


def test_declining_keeps_the_circle_closed(proposal, staff, member, other_member):
    circle = actions.decide_circle(staff, proposal, approve=False, message="Too close to Gravel")

    assert circle.circle_status == "declined"
    assert not Membership.objects.filter(community=circle).exists()
    assert client_for(other_member).get("/c/night-rides/").status_code == 404
    before = db_state()
    with pytest.raises(Forbidden):
        actions.join(member, circle)
    assert db_state() == before


def test_staff_decide_through_the_page(proposal, staff, member):
    response = client_for(staff).post("/c/night-rides/decide/", {"approve": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/c/{proposal.parent.slug}/admin/"
    assert Community.objects.get(pk=proposal.pk).circle_status == "active"


@pytest.mark.parametrize(
    ("who", "status"), [("member", 403), ("moderator", 404), ("other_member", 404)]
)
def test_others_cannot_decide_a_proposal(request, proposal, api_client, who, status):
    person = request.getfixturevalue(who)
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.decide_circle(person, proposal, approve=True)
    response = post_json(client, f"{API}/communities/night-rides/decision", {"approve": True})
    page = client_for(person).post("/c/night-rides/decide/", {"approve": "1"})

    # The proposer sees their proposal but may not decide it; others cannot see it.
    assert_error(response, status, {403: "forbidden", 404: "not_found"}[status])
    assert page.status_code == status
    assert db_state() == before


@pytest.mark.parametrize("first", [True, False])
def test_deciding_twice_is_a_409(proposal, staff, owner, api_client, first):
    actions.decide_circle(staff, proposal, approve=first)
    client = api_client(owner)
    before = db_state()

    with pytest.raises(Conflict):
        actions.decide_circle(owner, Community.objects.get(pk=proposal.pk), approve=not first)
    response = post_json(client, f"{API}/communities/night-rides/decision", {"approve": True})

    assert_error(response, 409, "conflict")
    assert db_state() == before


def test_a_top_level_community_is_not_a_proposal(community, owner, api_client):
    client = api_client(owner)
    before = db_state()
    response = post_json(client, f"{API}/communities/{community.slug}/decision", {"approve": True})
    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_the_parent_page_lists_circles_with_member_counts(community, owner, staff, member):
    gravel = actions.create_circle(owner, community, name="Gravel", slug="gravel")
    actions.create_circle(owner, community, name="Road", slug="road")
    actions.join(member, gravel)

    html = client_for(None).get(f"/c/{community.slug}/").content.decode()

    circles = html[html.index('id="circles-h"') :]
    assert 'href="/c/gravel/"><strong>Gravel</strong></a>' in circles
    assert 'href="/c/road/"><strong>Road</strong></a>' in circles
    gravel_item = circles[circles.index("Gravel") : circles.index("Road")]
    road_item = circles[circles.index("Road") :].split("</li>")[0]
    assert "2 members" in gravel_item
    assert "1 member" in road_item and "1 members" not in road_item


def test_the_api_lists_circles_with_member_counts(community, owner, member):
    gravel = actions.create_circle(owner, community, name="Gravel", slug="gravel")
    actions.create_circle(owner, community, name="Road", slug="road")
    actions.join(member, gravel)

    body = client_for(None).get(f"{API}/communities/{community.slug}/circles").json()

    assert body["count"] == 2
    assert [(c["slug"], c["member_count"]) for c in body["items"]] == [("gravel", 2), ("road", 1)]
    assert all(c["parent"] == community.slug for c in body["items"])


def test_circles_are_not_listed_as_communities(community, owner):
    actions.create_circle(owner, community, name="Gravel", slug="gravel")
    body = client_for(None).get(f"{API}/communities").json()
    assert [c["slug"] for c in body["items"]] == [community.slug]


def test_joining_a_circle_requires_membership_of_the_parent(community, owner, outsider, api_client):
    circle = actions.create_circle(owner, community, name="Gravel", slug="gravel")
    client = api_client(outsider)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.join(outsider, circle)
    response = post_json(client, f"{API}/communities/gravel/join")
    page = client_for(outsider).get("/c/gravel/").content.decode()

    assert_error(response, 403, "forbidden")
    assert f"Join {community.name} first" in page
    assert db_state() == before

    actions.join(outsider, community)
    actions.join(outsider, Community.objects.get(pk=circle.pk))
    assert Membership.objects.filter(community=circle, user=outsider).exists()
    assert_member_counts_exact()


def test_applying_to_a_circle_requires_membership_of_the_parent(community, owner, outsider):
    circle = actions.create_circle(
        owner, community, name="Gravel", slug="gravel", join_policy="application"
    )
    before = db_state()
    with pytest.raises(Forbidden):
        actions.apply(outsider, circle, answers=[])
    assert db_state() == before


def test_leaving_the_parent_leaves_its_circles(community, owner, member):
    gravel = actions.create_circle(owner, community, name="Gravel", slug="gravel")
    road = actions.create_circle(owner, community, name="Road", slug="road")
    actions.join(member, gravel)
    actions.join(member, road)

    actions.leave(member, community)

    assert not Membership.objects.filter(user=member).exists()
    for circle in (gravel, road):
        circle.refresh_from_db()
        assert circle.member_count == 1
    assert_member_counts_exact()


def test_a_private_parent_hides_its_circles_from_outsiders(community, owner, outsider, api_client):
    actions.create_circle(owner, community, name="Gravel", slug="gravel")
    Community.objects.filter(pk=community.pk).update(visibility="private")

    assert client_for(outsider).get("/c/gravel/").status_code == 404
    assert_error(api_client(outsider).get(f"{API}/communities/gravel"), 404, "not_found")
