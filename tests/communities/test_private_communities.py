"""A private community looks missing to outsiders (404 on every page and API
route, absent from every list) and is fully visible to members and site staff."""

from __future__ import annotations

import pytest

from cocreate.communities.models import Community
from tests.communities.helpers import API, assert_error, db_state, post_json
from tests.conftest import client_for
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

PAGES = ["/c/{slug}/", "/c/{slug}/members/", "/c/{slug}/charter/", "/c/{slug}/charter/1/"]
API_READS = [
    "/communities/{slug}",
    "/communities/{slug}/members",
    "/communities/{slug}/charter",
    "/communities/{slug}/charter/1",
    "/communities/{slug}/circles",
]


@pytest.fixture
def private(community, owner, member):
    Community.objects.filter(pk=community.pk).update(visibility="private", name="Secret Garage")
    community.refresh_from_db()
    return community


@pytest.fixture
def public():
    return CommunityFactory(name="Open Workshop", slug="open-workshop")


@pytest.mark.parametrize("who", ["outsider", None])
@pytest.mark.parametrize("path", PAGES)
def test_pages_are_404_for_outsiders(request, private, who, path):
    person = request.getfixturevalue(who) if who else None
    response = client_for(person).get(path.format(slug=private.slug))
    assert response.status_code == 404
    assert "Secret Garage" not in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", None])
@pytest.mark.parametrize("path", API_READS)
def test_api_reads_are_404_for_outsiders(request, private, api_client, who, path):
    person = request.getfixturevalue(who) if who else None
    response = api_client(person).get(API + path.format(slug=private.slug))
    assert_error(response, 404, "not_found")
    assert "Secret Garage" not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/communities/{slug}/join", "/communities/{slug}/applications", "/communities/{slug}/leave"],
)
def test_api_writes_are_404_for_outsiders(private, outsider, api_client, path):
    client = api_client(outsider)
    before = db_state()
    response = post_json(client, API + path.format(slug=private.slug), {"answers": []})
    assert_error(response, 404, "not_found")
    assert db_state() == before


@pytest.mark.parametrize("who", ["member", "owner", "site_staff"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_are_visible_to_members_and_site_staff(request, private, who, path):
    person = request.getfixturevalue(who)
    response = client_for(person).get(path.format(slug=private.slug))
    assert response.status_code == 200
    assert "Secret Garage" in response.content.decode()


@pytest.mark.parametrize("who", ["member", "owner", "site_staff"])
@pytest.mark.parametrize("path", API_READS)
def test_api_reads_are_visible_to_members_and_site_staff(request, private, api_client, who, path):
    person = request.getfixturevalue(who)
    response = api_client(person).get(API + path.format(slug=private.slug))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("who", ["outsider", None])
def test_not_listed_for_outsiders(request, private, public, api_client, who):
    person = request.getfixturevalue(who) if who else None

    body = api_client(person).get(f"{API}/communities").json()
    directory = client_for(person).get("/communities/").content.decode()
    search = client_for(person).get("/communities/", {"q": "Secret"}).content.decode()
    home = client_for(person).get("/").content.decode()

    assert [c["slug"] for c in body["items"]] == ["open-workshop"]
    assert body["count"] == 1
    assert "Open Workshop" in directory
    for html in (directory, search, home):
        assert "Secret Garage" not in html
    searched = api_client(person).get(f"{API}/communities", {"q": "secret"}).json()
    assert searched == {"items": [], "count": 0}


@pytest.mark.parametrize("who", ["member", "site_staff"])
def test_listed_for_members_and_site_staff(request, private, public, api_client, who):
    person = request.getfixturevalue(who)

    body = api_client(person).get(f"{API}/communities").json()
    directory = client_for(person).get("/communities/").content.decode()

    assert sorted(c["slug"] for c in body["items"]) == sorted([private.slug, "open-workshop"])
    assert body["count"] == 2
    assert "Secret Garage" in directory and "Open Workshop" in directory


def test_member_sees_private_community_on_home(private, member):
    assert "Secret Garage" in client_for(member).get("/").content.decode()


def test_listing_does_not_repeat_a_community_with_many_members(private, member, api_client):
    # One row per community, even when the join on memberships matches many.
    body = api_client(member).get(f"{API}/communities").json()
    slugs = [c["slug"] for c in body["items"]]
    assert slugs.count(private.slug) == 1
