"""The log-in and log-out pages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from cocreate.accounts import actions
from cocreate.core.models import Event
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client: Client, email: str, password: str, **extra: str):
    return client.post("/accounts/login/", {"email": email, "password": password, **extra})


def test_login_page_renders_a_form():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="email"' in response.content
    assert b'name="password"' in response.content


def test_right_password_signs_in_sets_cookies_and_records_the_login():
    user = UserFactory(email="ada@example.org", language="zh-hans")
    client = Client()
    response = log_in(client, "ADA@example.org", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.cookies[actions.DEVICE_COOKIE].value
    assert response.cookies[actions.DEVICE_COOKIE]["httponly"]
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    user.refresh_from_db()
    assert user.last_login is not None
    assert Event.objects.filter(kind="account.logged_in", actor=user).count() == 1


def test_login_follows_a_local_next_url():
    UserFactory(email="ada@example.org")
    response = log_in(Client(), "ada@example.org", PASSWORD, next="/communities/")
    assert response["Location"] == "/communities/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_login_ignores_a_next_url_on_another_host(target):
    UserFactory(email="ada@example.org")
    response = log_in(Client(), "ada@example.org", PASSWORD, next=target)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_is_422_and_signs_nobody_in():
    user = UserFactory(email="ada@example.org")
    client = Client()
    response = log_in(client, "ada@example.org", "not-the-password")
    assert response.status_code == 422
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert actions.DEVICE_COOKIE not in response.cookies
    user.refresh_from_db()
    assert user.last_login is None
    assert not Event.objects.filter(kind="account.logged_in").exists()
    assert Event.objects.filter(kind="account.login_failed", target_id=user.pk).count() == 1


def test_unknown_email_gets_the_same_error_as_a_wrong_password():
    UserFactory(email="ada@example.org")
    wrong = log_in(Client(), "ada@example.org", "not-the-password")
    unknown = log_in(Client(), "nobody@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 422
    assert wrong.context["form"].errors == unknown.context["form"].errors


def test_disabled_account_cannot_sign_in_even_with_the_right_password():
    UserFactory(email="ada@example.org", is_active=False)
    client = Client()
    response = log_in(client, "ada@example.org", PASSWORD)
    assert response.status_code == 422
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post():
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_logout_signs_out():
    client = Client()
    client.force_login(UserFactory())
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/settings/").status_code == 302  # back to the login page
