"""The interface language: POST /language/ sets the cookie (and the saved language
of a signed-in member), and a member's saved language wins on every page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from cocreate.accounts.models import User
from cocreate.core.models import Event
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_anonymous_visitor_gets_the_language_cookie_and_the_page_follows_it():
    client = Client()
    response = client.post("/language/", {"language": "zh-hans", "next": "/communities/"})
    assert response.status_code == 302
    assert response["Location"] == "/communities/"
    assert response.cookies[COOKIE].value == "zh-hans"

    page = client.get("/communities/", headers={"Accept-Language": "en"})
    assert page["Content-Language"] == "zh-hans"
    assert b'<html lang="zh-Hans">' in page.content


def test_signed_in_member_gets_the_cookie_and_the_saved_language():
    user = UserFactory(language="en")
    client = Client()
    client.force_login(user)
    response = client.post("/language/", {"language": "zh-hans"})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "zh-hans"
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert Event.objects.filter(kind="account.profile_updated", actor=user).count() == 1


def test_switching_back_to_english_is_saved_too():
    user = UserFactory(language="zh-hans")
    client = Client()
    client.force_login(user)
    client.post("/language/", {"language": "en"})
    user.refresh_from_db()
    assert user.language == "en"
    page = client.get("/")
    assert page["Content-Language"] == "en"
    assert b'<html lang="en">' in page.content


@pytest.mark.parametrize("language", ["fr", "", "zh-hant", "EN"])
def test_an_unknown_language_is_refused_and_nothing_changes(language):
    user = UserFactory(language="en")
    client = Client()
    client.force_login(user)
    response = client.post("/language/", {"language": language})
    assert response.status_code == 422
    assert COOKIE not in response.cookies
    user.refresh_from_db()
    assert user.language == "en"
    assert not Event.objects.filter(kind="account.profile_updated").exists()


def test_language_switch_ignores_a_next_url_on_another_host():
    response = Client().post("/language/", {"language": "zh-hans", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_language_switch_needs_a_post():
    response = Client().get("/language/", {"language": "zh-hans"})
    assert response.status_code == 405
    assert COOKIE not in response.cookies


def test_english_visitor_gets_english_pages():
    page = Client().get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page["Content-Language"] == "en"
    assert b'<html lang="en">' in page.content


def test_browser_language_is_used_for_an_anonymous_visitor():
    page = Client().get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert page["Content-Language"] == "zh-hans"
    assert b'<html lang="zh-Hans">' in page.content


@pytest.fixture
def chinese_member_client() -> tuple[User, Client]:
    user = UserFactory(language="zh-hans")
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    client.cookies[COOKIE] = "en"
    client.force_login(user)
    return user, client


def member_pages(user: User) -> dict[str, int]:
    """Path -> expected status."""
    community = CommunityFactory(slug="bikes")
    return {
        "/": 200,
        "/communities/": 200,
        f"/c/{community.slug}/": 200,
        f"/c/{community.slug}/members/": 200,
        f"/c/{community.slug}/charter/": 200,
        "/accounts/settings/": 200,
        "/accounts/settings/tokens/": 200,
        f"/accounts/u/{user.pk}/": 200,
        "/accounts/login/": 200,
        "/accounts/password-reset/": 200,
        "/accounts/password-reset/MQ/not-a-token/": 400,
        "/this-page-does-not-exist/": 404,
    }


def test_saved_chinese_wins_on_every_page_over_english_browser_and_cookie(
    chinese_member_client,
):
    user, client = chinese_member_client
    for path, status in member_pages(user).items():
        response = client.get(path)
        assert response.status_code == status, path
        assert response["Content-Language"] == "zh-hans", path
        assert b'<html lang="zh-Hans">' in response.content, path


def test_saved_chinese_applies_to_error_responses_of_forms(chinese_member_client):
    _user, client = chinese_member_client
    response = client.post("/accounts/settings/password/", {"current_password": "x"})
    assert response.status_code == 422
    assert response["Content-Language"] == "zh-hans"
    assert b'<html lang="zh-Hans">' in response.content


def test_signing_in_switches_to_the_members_saved_language():
    UserFactory(email="li@example.org", language="zh-hans")
    client = Client(headers={"Accept-Language": "en"})
    response = client.post(
        "/accounts/login/", {"email": "li@example.org", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "zh-hans"
    client.post("/accounts/logout/")
    # After signing out, the cookie keeps the pages in the member's language.
    page = client.get("/")
    assert page["Content-Language"] == "zh-hans"
