"""Password reset by email: the same answer for every address, one email for a
real account, a single-use expiring link that sets the password and signs in."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client

from cocreate.accounts import actions
from cocreate.accounts.models import User
from cocreate.core.models import Event
from tests.accounts.conftest import NEW_PASSWORD, link_in, send_queued_emails, without_csrf
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "ada@example.org"


@pytest.fixture
def ada(db) -> User:
    return UserFactory(email=EMAIL, display_name="Ada")


def request_reset(email: str, client: Client | None = None):
    return (client or Client()).post("/accounts/password-reset/", {"email": email})


def reset_link(email: str = EMAIL) -> str:
    assert request_reset(email).status_code == 200
    send_queued_emails()
    assert len(mail.outbox) == 1
    return link_in(mail.outbox[0])


def test_reset_page_renders_a_form():
    response = Client().get("/accounts/password-reset/")
    assert response.status_code == 200
    assert b'name="email"' in response.content


def test_unknown_email_gets_the_same_response_and_no_email(ada):
    known = request_reset(EMAIL)
    unknown = request_reset("nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.content) == without_csrf(unknown.content)

    mail.outbox.clear()
    Event.objects.filter(kind="account.password_reset_requested").delete()
    request_reset("nobody@example.org")
    send_queued_emails()
    assert mail.outbox == []
    assert not Event.objects.filter(kind="account.password_reset_requested").exists()


def test_real_account_gets_one_email_with_a_link(ada):
    link = reset_link()
    assert mail.outbox[0].to == [EMAIL]
    assert link.startswith("/accounts/password-reset/")
    send_queued_emails()
    assert len(mail.outbox) == 1


def test_the_link_shows_a_form_and_changes_nothing_on_get(ada):
    link = reset_link()
    before = User.objects.get(pk=ada.pk).password
    response = Client().get(link)
    assert response.status_code == 200
    assert b'name="password"' in response.content
    assert User.objects.get(pk=ada.pk).password == before


def test_the_link_sets_the_new_password_and_signs_in(ada):
    link = reset_link()
    client = Client()
    response = client.post(link, {"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ada.pk)
    assert response.cookies[actions.DEVICE_COOKIE].value
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)
    assert not ada.check_password(PASSWORD)
    assert Event.objects.filter(kind="account.password_reset", target_id=ada.pk).count() == 1
    # The new password works on the log-in page.
    response = Client().post("/accounts/login/", {"email": EMAIL, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_the_link_also_confirms_an_unconfirmed_address(ada):
    User.objects.filter(pk=ada.pk).update(email_confirmed_at=None)
    link = reset_link()
    assert Client().post(link, {"password": NEW_PASSWORD}).status_code == 302
    ada.refresh_from_db()
    assert ada.email_confirmed_at is not None


def test_the_link_works_only_once(ada):
    link = reset_link()
    assert Client().post(link, {"password": NEW_PASSWORD}).status_code == 302
    ada.refresh_from_db()
    after_first = ada.password

    client = Client()
    assert client.get(link).status_code == 400
    response = client.post(link, {"password": "another-fine-phrase-42"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    ada.refresh_from_db()
    assert ada.password == after_first
    assert Event.objects.filter(kind="account.password_reset").count() == 1


def test_an_older_link_stops_working_once_a_newer_one_was_used(ada):
    first = reset_link()
    mail.outbox.clear()
    second = reset_link()
    assert Client().post(second, {"password": NEW_PASSWORD}).status_code == 302
    assert Client().post(first, {"password": "another-fine-phrase-42"}).status_code == 400
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password-reset/MQ/not-a-token/",
        "/accounts/password-reset/!!!/abc-def/",
        "/accounts/password-reset/OTk5OTk5/abc-def/",
    ],
)
def test_an_invalid_link_is_a_400_page(ada, path):
    before = User.objects.get(pk=ada.pk).password
    client = Client()
    assert client.get(path).status_code == 400
    assert client.post(path, {"password": NEW_PASSWORD}).status_code == 400
    assert User.objects.get(pk=ada.pk).password == before
    assert "_auth_user_id" not in client.session


def test_a_link_for_another_account_is_refused(ada):
    link = reset_link()
    other = UserFactory(email="grace@example.org")
    uid, _token = actions.password_reset_link_parts(other)
    token = link.rstrip("/").rsplit("/", 1)[1]
    response = Client().post(f"/accounts/password-reset/{uid}/{token}/", {"password": NEW_PASSWORD})
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.check_password(PASSWORD)


def test_the_link_expires(ada, monkeypatch):
    link = reset_link()
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    client = Client()
    assert client.get(link).status_code == 400
    assert client.post(link, {"password": NEW_PASSWORD}).status_code == 400
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["short1!", "qwertyuiop", "4829173650", "ada@example.org"])
def test_a_weak_new_password_is_refused_and_the_link_still_works(ada, weak):
    link = reset_link()
    client = Client()
    response = client.post(link, {"password": weak})
    assert response.status_code == 422
    assert response.context["form"].errors["password"]
    assert "_auth_user_id" not in client.session
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)
    assert not Event.objects.filter(kind="account.password_reset").exists()

    assert client.post(link, {"password": NEW_PASSWORD}).status_code == 302


def test_a_disabled_account_gets_no_email(ada):
    User.objects.filter(pk=ada.pk).update(is_active=False)
    assert request_reset(EMAIL).status_code == 200
    send_queued_emails()
    assert mail.outbox == []


def test_a_malformed_address_is_a_form_error_and_sends_nothing():
    response = request_reset("not-an-email")
    assert response.context["form"].errors["email"]
    send_queued_emails()
    assert mail.outbox == []


def test_reset_requests_for_one_address_are_limited(ada, clock):
    for _ in range(3):
        assert request_reset(EMAIL).status_code == 200
    response = request_reset(EMAIL)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    send_queued_emails()
    assert len(mail.outbox) == 3
