"""Creating a community: site staff only, a valid unique slug, the first charter
version, the creator as owner, and a logo checked by its content."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cocreate.communities import actions
from cocreate.communities.models import CharterVersion, Community, Membership, Role
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
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def png_bytes(size: tuple[int, int] = (40, 30), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def form_data(**overrides: object) -> dict:
    data = {
        "name": "Trail Makers",
        "slug": "trail-makers",
        "description": "People who build trails.",
        "visibility": "public",
        "join_policy": "open",
        "seat_limit": "",
        "application_questions": "",
        "mission": "Build **good** trails.",
        "values": "",
        "rules": "",
    }
    data.update(overrides)
    return data


def test_site_staff_creates_community_with_first_charter_and_is_its_owner(site_staff):
    community = actions.create_community(
        site_staff,
        name="Trail Makers",
        slug="trail-makers",
        mission="Build good trails.",
        values="Care",
        rules="Be kind",
    )

    assert community.slug == "trail-makers"
    assert community.created_by == site_staff
    versions = list(community.charter_versions.all())
    assert [v.number for v in versions] == [1]
    assert versions[0].author == site_staff
    assert (versions[0].mission, versions[0].values, versions[0].rules) == (
        "Build good trails.",
        "Care",
        "Be kind",
    )
    assert versions[0].created_at is not None
    membership = Membership.objects.get(community=community)
    assert (membership.user, membership.role) == (site_staff, Role.OWNER)
    community.refresh_from_db()
    assert community.member_count == 1
    assert Event.objects.filter(kind="community.created", target_id=community.pk).count() == 1
    assert_member_counts_exact()


def test_api_site_staff_creates_community_and_sees_itself_as_owner(site_staff, api_client):
    client = api_client(site_staff)
    response = post_json(
        client,
        f"{API}/communities",
        {"name": "Trail Makers", "slug": "trail-makers", "mission": "Trails", "seat_limit": 50},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "trail-makers"
    assert body["my_role"] == "owner"
    assert body["member_count"] == 1
    assert body["seats_left"] == 49
    community = Community.objects.get(slug="trail-makers")
    assert community.current_charter().mission == "Trails"


def test_mission_defaults_to_description_when_empty(site_staff):
    community = actions.create_community(
        site_staff, name="Trail Makers", slug="trail-makers", description="We build trails."
    )
    assert community.current_charter().mission == "We build trails."


@pytest.mark.parametrize("who", ["owner", "staff", "member", "outsider"])
def test_only_site_staff_may_create_communities(request, community, who, api_client):
    person = request.getfixturevalue(who)
    client = api_client(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.create_community(person, name="Mine", slug="mine")
    response = post_json(client, f"{API}/communities", {"name": "Mine", "slug": "mine"})
    page = client_for(person).post("/communities/new/", form_data(slug="mine"))

    assert_error(response, 403, "forbidden")
    assert page.status_code == 403
    assert db_state() == before
    assert not Community.objects.filter(slug="mine").exists()


def test_anonymous_cannot_create_a_community(db):
    before = db_state()
    response = post_json(client_for(None), f"{API}/communities", {"name": "X", "slug": "xx"})
    page = client_for(None).post("/communities/new/", form_data(slug="xx"))

    assert_error(response, 401, "unauthenticated")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert db_state() == before


@pytest.mark.parametrize(
    "slug",
    ["Not a slug!", "with space", "a", "admin", "new", "api", "x" * 61, "ünïcode", "dot.ted"],
)
def test_invalid_slug_is_rejected_with_a_slug_field_error(site_staff, api_client, slug):
    client = api_client(site_staff)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.create_community(site_staff, name="Bad", slug=slug)
    response = post_json(client, f"{API}/communities", {"name": "Bad", "slug": slug})

    assert "slug" in exc.value.fields
    assert_error(response, 422, "invalid", field="slug")
    assert db_state() == before


def test_slug_is_lowercased(site_staff):
    community = actions.create_community(site_staff, name="Upper", slug="  Trail-Makers ")
    assert community.slug == "trail-makers"


@pytest.mark.parametrize("taken", ["taken", "TAKEN", "Taken"])
def test_duplicate_slug_is_a_422_on_slug_and_creates_nothing(site_staff, api_client, taken):
    CommunityFactory(slug="taken")
    client = api_client(site_staff)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.create_community(site_staff, name="Again", slug=taken)
    response = post_json(client, f"{API}/communities", {"name": "Again", "slug": taken})

    assert "slug" in exc.value.fields
    assert_error(response, 422, "invalid", field="slug")
    assert db_state() == before
    assert Community.objects.filter(slug="taken").count() == 1


def test_circle_slugs_share_the_address_space_with_communities(community, owner, site_staff):
    actions.create_circle(owner, community, name="Gravel", slug="gravel")
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.create_community(site_staff, name="Gravel", slug="gravel")

    assert "slug" in exc.value.fields
    assert db_state() == before


def test_create_page_makes_the_community_and_redirects_to_it(site_staff):
    client = client_for(site_staff)
    assert client.get("/communities/new/").status_code == 200

    response = client.post("/communities/new/", form_data(application_questions="Why?\n\nHow?"))

    assert response.status_code == 302
    assert response["Location"] == "/c/trail-makers/"
    community = Community.objects.get(slug="trail-makers")
    assert community.application_questions == ["Why?", "How?"]
    assert community.current_charter().author == site_staff
    assert Membership.objects.get(community=community).role == Role.OWNER
    page = client.get("/c/trail-makers/")
    assert page.status_code == 200
    assert "<strong>good</strong>" in page.content.decode()


def test_create_page_shows_the_slug_error_and_creates_nothing(site_staff):
    CommunityFactory(slug="trail-makers")
    before = db_state()

    response = client_for(site_staff).post("/communities/new/", form_data())

    assert response.status_code == 422
    assert "This address is already taken." in response.content.decode()
    assert db_state() == before


def test_logo_is_reencoded_as_png_under_a_random_name(site_staff):
    logo = SimpleUploadedFile("my logo.jpg", png_bytes(fmt="JPEG"), content_type="image/jpeg")

    community = actions.create_community(site_staff, name="Logo", slug="logo-co", logo=logo)

    community.refresh_from_db()
    assert community.logo.name.startswith("logos/")
    assert community.logo.name.endswith(".png")
    assert "my logo" not in community.logo.name
    with community.logo.open("rb") as fh, Image.open(fh) as stored:
        assert stored.format == "PNG"
        assert stored.size == (40, 30)


def test_logo_upload_through_the_page_is_shown_in_the_api(site_staff):
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = client_for(site_staff).post("/communities/new/", {**form_data(), "logo": logo})
    assert response.status_code == 302

    body = client_for(None).get(f"{API}/communities/trail-makers").json()

    assert body["logo_url"].startswith("/media/logos/")
    assert body["logo_url"].endswith(".png")


@pytest.mark.parametrize(
    "content",
    [b"<?php echo 'hi'; ?>", b"GIF89a not really a gif", b"", b"\x89PNG\r\n\x1a\n broken"],
)
def test_logo_that_is_not_an_image_is_refused_by_content(site_staff, content):
    fake = SimpleUploadedFile("logo.png", content, content_type="image/png")
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.create_community(site_staff, name="Fake", slug="fake-logo", logo=fake)

    assert "logo" in exc.value.fields
    assert db_state() == before


def test_create_page_refuses_a_fake_logo_with_a_field_error(site_staff):
    fake = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")
    before = db_state()

    response = client_for(site_staff).post("/communities/new/", {**form_data(), "logo": fake})

    assert response.status_code == 422
    assert "Upload a PNG, JPEG, GIF or WebP image." in response.content.decode()
    assert db_state() == before
    assert not CharterVersion.objects.filter(community__slug="trail-makers").exists()
