"""The communities API: every list is paginated (?page=&page_size= -> items and
count), and every error has the documented shape and status."""

from __future__ import annotations

import pytest

from cocreate.communities import actions
from cocreate.communities.models import Community
from cocreate.core.api import api
from tests.communities.helpers import API, assert_error, db_state, post_json
from tests.conftest import client_for
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db

# Each paginated list of this app, with how many items the `world` fixture gives it.
LISTS = {
    "/communities": 3,
    "/communities/{slug}/members": 4,
    "/communities/{slug}/log": 5,  # 3 joins, 1 departure, 1 role change
    "/communities/{slug}/applications": 2,
    "/communities/{slug}/invitations": 2,
    "/communities/{slug}/charter": 3,
    "/communities/{slug}/circles": 2,
}


@pytest.fixture
def world(community, owner, staff):
    """Two or more items in every list of `community`."""
    CommunityFactory(name="Another", slug="another")
    CommunityFactory(name="Third", slug="third")
    member, extra, late = UserFactory(), UserFactory(), UserFactory()
    for person in (member, extra, late):
        actions.join(person, community)
    actions.leave(late, community)
    actions.change_role(owner, community.memberships.get(user=member), "partner")
    actions.update_community(owner, community, join_policy="application")
    for _ in range(2):
        actions.apply(UserFactory(), community, answers=[])
    for _ in range(2):
        actions.create_invitation(owner, community)
    actions.edit_charter(owner, community, mission="Two")
    actions.edit_charter(owner, community, mission="Three")
    actions.create_circle(owner, community, name="Gravel", slug="gravel")
    actions.create_circle(owner, community, name="Road", slug="road")
    return community


def paginated_operations() -> set[str]:
    """GET operations of this app that take page/page_size, from the OpenAPI schema."""
    schema = api.get_openapi_schema()
    found = set()
    for path, operations in schema["paths"].items():
        op = operations.get("get")
        if op is None:
            continue
        params = {p["name"] for p in op.get("parameters", [])}
        if {"page", "page_size"} <= params and "communities" in op.get("tags", []):
            found.add(path.removeprefix("/api/v1"))
    return found


def test_every_list_of_this_app_is_covered_below():
    assert paginated_operations() == set(LISTS)


@pytest.mark.parametrize("path", sorted(LISTS))
def test_every_list_pages_with_items_and_count(world, owner, api_client, path):
    client = api_client(owner)
    url = API + path.format(slug=world.slug)
    total = LISTS[path]

    everything = client.get(url)
    first = client.get(url, {"page": 1, "page_size": 1})
    second = client.get(url, {"page": 2, "page_size": 1})
    beyond = client.get(url, {"page": total + 1, "page_size": 1})

    assert everything.status_code == 200, everything.content
    assert set(everything.json()) == {"items", "count"}
    assert everything.json()["count"] == total
    assert len(everything.json()["items"]) == total
    for response in (first, second):
        assert response.status_code == 200, response.content
        assert response.json()["count"] == total
        assert len(response.json()["items"]) == 1
    assert first.json()["items"][0] != second.json()["items"][0]
    assert second.json()["items"][0] == everything.json()["items"][1]
    assert beyond.json() == {"items": [], "count": total}


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page": "x"}])
def test_bad_paging_parameters_are_a_422(community, params):
    response = client_for(None).get(f"{API}/communities", params)
    assert_error(response, 422, "invalid")


def test_page_size_is_capped_at_100(db):
    for n in range(103):
        Community.objects.create(name=f"C{n:03}", slug=f"c-{n:03}")
    body = client_for(None).get(f"{API}/communities", {"page_size": 1000}).json()
    assert body["count"] == 103
    assert len(body["items"]) == 100


def test_default_page_size_is_20(db):
    for n in range(25):
        Community.objects.create(name=f"C{n:03}", slug=f"c-{n:03}")
    body = client_for(None).get(f"{API}/communities").json()
    assert (body["count"], len(body["items"])) == (25, 20)


def test_community_detail_shows_my_role_and_seats(community, owner, member, api_client):
    Community.objects.filter(pk=community.pk).update(seat_limit=10)

    mine = api_client(member).get(f"{API}/communities/{community.slug}").json()
    anonymous = client_for(None).get(f"{API}/communities/{community.slug}").json()

    assert mine["my_role"] == "member"
    assert anonymous["my_role"] is None
    assert (mine["member_count"], mine["seat_limit"], mine["seats_left"]) == (2, 10, 8)
    assert mine["parent"] is None and mine["circle_status"] == "active"


def test_staff_update_community_settings(community, owner, staff, api_client):
    response = post_json(
        api_client(staff),
        f"{API}/communities/{community.slug}",
        {"name": "Renamed", "join_policy": "application", "application_questions": ["Why?"]},
        method="patch",
    )
    assert response.status_code == 200, response.content
    community.refresh_from_db()
    assert (community.name, community.join_policy) == ("Renamed", "application")
    assert community.application_questions == ["Why?"]


@pytest.mark.parametrize("who", ["moderator", "member", "outsider"])
def test_others_cannot_update_community_settings(request, community, owner, api_client, who):
    client = api_client(request.getfixturevalue(who))
    before = db_state()
    response = post_json(
        client, f"{API}/communities/{community.slug}", {"name": "Mine now"}, method="patch"
    )
    assert_error(response, 403, "forbidden")
    assert db_state() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"visibility": "secret"}, "visibility"), ({"join_policy": "lottery"}, "join_policy")],
)
def test_invalid_settings_are_a_422_on_the_field(community, owner, api_client, payload, field):
    client = api_client(owner)
    before = db_state()
    response = post_json(client, f"{API}/communities/{community.slug}", payload, method="patch")
    assert_error(response, 422, "invalid", field=field)
    assert db_state() == before


# --- the error shape, status by status ------------------------------------------------


def test_401_shape_for_anonymous_writes(community):
    before = db_state()
    response = post_json(client_for(None), f"{API}/communities/{community.slug}/join")
    assert_error(response, 401, "unauthenticated")
    assert db_state() == before


def test_401_shape_for_a_bad_token_even_on_public_reads(community):
    client = client_for(None)
    response = client.get(f"{API}/communities", headers={"Authorization": "Bearer cc_nope"})
    assert_error(response, 401, "unauthenticated")


def test_403_shape(community, owner, member, api_client):
    client = api_client(member)
    before = db_state()
    response = post_json(client, f"{API}/communities/{community.slug}/invitations", {})
    assert_error(response, 403, "forbidden")
    assert db_state() == before


@pytest.mark.parametrize(
    "path",
    [
        "/communities/nope",
        "/communities/nope/members",
        "/communities/nope/charter",
        "/communities/nope/charter/1",
        "/communities/nope/circles",
    ],
)
def test_404_shape_for_unknown_communities(db, path):
    assert_error(client_for(None).get(API + path), 404, "not_found")


def test_404_shape_for_unknown_applications_and_invitations(db, api_client):
    client = api_client(UserFactory())
    assert_error(
        post_json(client, f"{API}/applications/999/decision", {"accept": True}), 404, "not_found"
    )
    assert_error(post_json(client, f"{API}/applications/999/withdraw"), 404, "not_found")
    assert_error(client.delete(f"{API}/invitations/999"), 404, "not_found")
    assert_error(post_json(client, f"{API}/invitations/nope/accept"), 404, "not_found")


def test_409_shape(community, owner, api_client):
    Community.objects.filter(pk=community.pk).update(seat_limit=1)
    client = api_client(UserFactory())
    before = db_state()
    response = post_json(client, f"{API}/communities/{community.slug}/join")
    assert_error(response, 409, "conflict")
    assert db_state() == before


def test_422_shape_for_a_malformed_body(site_staff, api_client):
    client = api_client(site_staff)
    before = db_state()
    response = post_json(client, f"{API}/communities", {"slug": "no-name", "seat_limit": 0})
    error = assert_error(response, 422, "invalid", field="name")
    assert "seat_limit" in error["fields"]
    assert db_state() == before


def test_400_shape_for_a_body_that_is_not_json(site_staff, api_client):
    client = api_client(site_staff)
    before = db_state()
    response = client.post(f"{API}/communities", data="{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")
    assert db_state() == before


def test_422_shape_for_an_out_of_range_id(db, api_client):
    client = api_client(UserFactory())
    response = post_json(client, f"{API}/applications/{2**60}/decision", {"accept": True})
    assert_error(response, 422, "invalid")
