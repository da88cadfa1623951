"""Handles, the names @mentions use: chosen automatically from the display name
(ASCII, accents folded, "member" + digits for names without Latin letters, never a
reserved word, never one someone else has in any case), changed through the action,
the settings page and the API (refusals name the field and change nothing), and
shown on the profile page."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.test import Client

from cocreate.accounts import actions, handles
from cocreate.accounts.models import User
from cocreate.core.errors import Invalid
from cocreate.core.models import Event
from tests.communities.helpers import API, assert_error
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID = re.compile(r"^[A-Za-z0-9_]{3,30}$")
MEMBER_DIGITS = re.compile(r"^member\d{3,6}$")


def profile_events() -> int:
    return Event.objects.filter(kind="account.profile_updated").count()


def handles_now() -> list[tuple[int, str]]:
    return sorted(User.objects.values_list("pk", "handle"))


def person(name: str) -> User:
    return UserFactory(display_name=name)


# --- chosen automatically ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "handle"),
    [
        ("Mia Member", "mia_member"),
        ("Zoë Li", "zoe_li"),
        ("José Álvarez-Núñez", "jose_alvarez_nunez"),
        ("  ADA   Lovelace ", "ada_lovelace"),
        ("Jo Li", "jo_li"),
        ("Ann", "ann"),
        ("O'Brien, Siobhán", "o_brien_siobhan"),
        ("米娅 Mia", "mia"),  # the Latin part of a mixed name
        ("R2-D2", "r2_d2"),
    ],
)
def test_a_latin_name_gives_its_own_handle(name, handle):
    assert person(name).handle == handle
    assert User.objects.get(handle=handle).display_name == name


def test_a_long_name_gives_a_handle_within_the_limit():
    user = person("Bartholomew Maximilian Montgomery-Smithson the Third")
    assert VALID.match(user.handle), user.handle
    assert user.handle.startswith("bartholomew_maximilian")


@pytest.mark.parametrize("name", ["王小明", "李", "米娅", "Al", "Ψ", "😀 🎉", "  -  "])
def test_a_name_with_too_few_latin_letters_gives_member_and_digits(name):
    user = person(name)
    assert MEMBER_DIGITS.match(user.handle), user.handle


def test_two_chinese_names_get_different_handles():
    users = [person("王小明") for _ in range(5)]
    found = {u.handle.lower() for u in users}
    assert len(found) == 5 and all(MEMBER_DIGITS.match(h) for h in found)


def test_a_second_person_with_the_same_name_gets_a_different_handle():
    first = person("Mia Member")
    second = person("Mia Member")
    third = person("MIA member")
    assert first.handle == "mia_member"
    assert second.handle != first.handle and third.handle not in (first.handle, second.handle)
    for user in (second, third):
        assert re.match(r"^mia_member\d{3,6}$", user.handle), user.handle


def test_a_handle_taken_in_another_case_is_not_chosen_again():
    UserFactory(display_name="Somebody", handle="Zoe_Li")
    zoe = person("Zoë Li")
    assert zoe.handle.lower() != "zoe_li"
    assert zoe.handle.startswith("zoe_li")


@pytest.mark.parametrize(
    "name", ["All", "Everyone", "Here", "Staff", "ADMIN", "Moderators", "CoCreate", "Ädmin"]
)
def test_reserved_words_are_never_chosen(name):
    user = person(name)
    assert user.handle.lower() not in handles.RESERVED
    assert MEMBER_DIGITS.match(user.handle), user.handle


def test_a_handle_given_explicitly_is_kept():
    assert UserFactory(display_name="Lily Lin", handle="LilyL").handle == "LilyL"


def test_handles_are_unique_regardless_of_case():
    UserFactory(handle="Unique_One")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(handle="unique_ONE")
    assert User.objects.filter(handle__iexact="unique_one").count() == 1


def test_a_handle_is_chosen_for_a_user_saved_without_one_even_with_update_fields():
    user = person("Nina Nobody")
    User.objects.filter(pk=user.pk).update(handle="")
    user.refresh_from_db()
    user.bio = "Hello"
    user.save(update_fields=["bio"])
    user.refresh_from_db()
    assert (user.handle, user.bio) == ("nina_nobody", "Hello")


def test_signing_up_gives_a_handle(db):
    user = actions.sign_up(
        email="zoe@example.org", password="tangerine-kettle-91", display_name="Zoë Li"
    )
    assert user.handle == "zoe_li"


def test_the_last_resort_handle_is_still_a_valid_handle(monkeypatch):
    monkeypatch.setattr(handles, "taken", lambda handle, besides=None: True)
    handle = handles.free_handle("Bartholomew Maximilian Montgomery-Smithson")
    assert VALID.match(handle), handle


def test_the_migration_backfill_never_gives_a_reserved_handle():
    site = person("CoCreate")
    User.objects.filter(pk=site.pk).update(handle="")
    migration = importlib.import_module("cocreate.accounts.migrations.0002_user_handle")
    migration.backfill(apps, None)
    site.refresh_from_db()
    assert site.handle.lower() not in handles.RESERVED, site.handle


# --- changed through the action -------------------------------------------------------------


@pytest.fixture
def mia(db) -> User:
    return UserFactory(display_name="Mia Member", email="mia@example.org")


@pytest.fixture
def lily(db) -> User:
    return UserFactory(display_name="Lily Lin", handle="lily")


def test_the_action_changes_the_handle_and_records_it(mia):
    actions.update_profile(mia, handle="MiaM_2030")
    mia.refresh_from_db()
    assert mia.handle == "MiaM_2030"
    event = Event.objects.get(kind="account.profile_updated")
    assert "handle" in event.data["fields"]


def test_the_action_takes_a_leading_at_and_spaces(mia):
    actions.update_profile(mia, handle="  @mia_m ")
    mia.refresh_from_db()
    assert mia.handle == "mia_m"


def test_changing_only_the_case_of_ones_own_handle_is_allowed(mia):
    actions.update_profile(mia, handle="Mia_Member")
    mia.refresh_from_db()
    assert mia.handle == "Mia_Member"


def test_the_same_handle_again_changes_nothing(mia):
    actions.update_profile(mia, handle="mia_member")
    assert profile_events() == 0


def test_a_freed_handle_can_be_taken_by_someone_else(mia, lily):
    actions.update_profile(lily, handle="lily_lin")
    actions.update_profile(mia, handle="LILY")
    mia.refresh_from_db()
    assert mia.handle == "LILY"


BAD_HANDLES = [
    ("mia member", "a space"),
    ("mia-member", "a hyphen"),
    ("mia.member", "a dot"),
    ("zoë", "an accent"),
    ("米娅米娅", "Chinese"),
    ("mia@home", "an at sign inside"),
    ("ab", "too short"),
    ("@ab", "too short after the at sign"),
    ("x" * 31, "too long"),
    ("admin", "reserved"),
    ("Everyone", "reserved in another case"),
    ("COCREATE", "reserved in capitals"),
    ("LILY", "taken by Lily in another case"),
    ("lily", "taken by Lily"),
]


@pytest.mark.parametrize(("handle", "why"), BAD_HANDLES)
def test_the_action_refuses_a_bad_handle_and_changes_nothing(mia, lily, handle, why):
    before = handles_now()
    with pytest.raises(Invalid) as refused:
        actions.update_profile(mia, handle=handle, bio="Changed too")
    assert set(refused.value.fields) == {"handle"}, why
    assert handles_now() == before
    mia.refresh_from_db()
    assert (mia.handle, mia.bio) == ("mia_member", "")
    assert profile_events() == 0


def test_an_empty_handle_is_refused_by_the_action(mia):
    with pytest.raises(Invalid) as refused:
        actions.update_profile(mia, handle="")
    assert "handle" in refused.value.fields
    mia.refresh_from_db()
    assert mia.handle == "mia_member"


# --- changed on the settings page -----------------------------------------------------------


def save_settings(client: Client, **fields):
    data = {"display_name": "Mia Member", "bio": "", "languages": "", "language": "en"}
    data.update(fields)
    return client.post("/accounts/settings/", data)


def test_the_settings_page_shows_and_changes_the_handle(mia):
    client = client_for(mia)
    page = client.get("/accounts/settings/").content.decode()
    assert 'name="handle"' in page and 'value="mia_member"' in page
    response = save_settings(client, handle="mia_makes")
    assert response.status_code == 302
    mia.refresh_from_db()
    assert mia.handle == "mia_makes"


def test_an_empty_handle_field_keeps_the_handle(mia):
    response = save_settings(client_for(mia), handle="", bio="New bio")
    assert response.status_code == 302
    mia.refresh_from_db()
    assert (mia.handle, mia.bio) == ("mia_member", "New bio")


@pytest.mark.parametrize(("handle", "why"), BAD_HANDLES)
def test_the_settings_page_refuses_a_bad_handle_with_422_and_changes_nothing(
    mia, lily, handle, why
):
    before = handles_now()
    response = save_settings(client_for(mia), handle=handle, bio="Changed too")
    assert response.status_code == 422, why
    assert response.context["form"].errors.get("handle"), why
    assert 'class="field-error"' in response.content.decode()
    assert handles_now() == before
    mia.refresh_from_db()
    assert mia.bio == ""
    assert profile_events() == 0


def test_a_handle_far_too_long_on_the_settings_page_is_422(mia):
    response = save_settings(client_for(mia), handle="x" * 40)
    assert response.status_code == 422


def test_a_handle_far_too_long_on_the_settings_page_changes_nothing(mia):
    response = save_settings(client_for(mia), handle="x" * 40, bio="Changed")
    assert response.status_code in (200, 422)
    assert response.context["form"].errors.get("handle")
    mia.refresh_from_db()
    assert (mia.handle, mia.bio) == ("mia_member", "")
    assert profile_events() == 0


# --- changed through the API ----------------------------------------------------------------


def patch_me(client: Client, data: dict):
    return client.patch(f"{API}/me", data, content_type="application/json")


def test_the_api_shows_and_changes_the_handle(mia, api_client):
    client = api_client(mia)
    assert client.get(f"{API}/me").json()["handle"] == "mia_member"
    response = patch_me(client, {"handle": "@Mia_2030"})
    assert response.status_code == 200, response.content
    assert response.json()["handle"] == "Mia_2030"
    mia.refresh_from_db()
    assert mia.handle == "Mia_2030"
    assert Client().get(f"{API}/users/{mia.pk}").json()["handle"] == "Mia_2030"


def test_the_api_leaves_the_handle_alone_when_not_given(mia, api_client):
    response = patch_me(api_client(mia), {"bio": "Bottles"})
    assert response.status_code == 200 and response.json()["handle"] == "mia_member"


@pytest.mark.parametrize(
    ("handle", "why"), [*BAD_HANDLES, ("x" * 40, "far too long"), ("", "empty")]
)
def test_the_api_refuses_a_bad_handle_with_422_and_changes_nothing(
    mia, lily, api_client, handle, why
):
    client = api_client(mia)
    before = handles_now()
    events_before = profile_events()
    response = patch_me(client, {"handle": handle, "bio": "Changed too"})
    assert_error(response, 422, "invalid", "handle")
    assert handles_now() == before
    mia.refresh_from_db()
    assert mia.bio == ""
    assert profile_events() == events_before


def test_people_in_api_answers_carry_the_handle(mia, lily, api_client):
    body = Client().get(f"{API}/users/{lily.pk}").json()
    assert body["handle"] == "lily" and body["display_name"] == "Lily Lin"


# --- shown on the profile page --------------------------------------------------------------


def test_the_profile_page_shows_the_handle(mia, lily):
    page = Client().get(f"/accounts/u/{lily.pk}/").content.decode()
    assert "@lily" in page
    actions.update_profile(lily, handle="LilyMakes")
    page = client_for(mia).get(f"/accounts/u/{lily.pk}/").content.decode()
    assert "@LilyMakes" in page and "@lily<" not in page


def test_a_handle_is_text_on_the_profile_page_whatever_the_name(db):
    user = person("<b>Bold</b> 王")
    page = Client().get(f"/accounts/u/{user.pk}/").content.decode()
    assert f"@{user.handle}" in page
    assert "<b>Bold</b>" not in page
