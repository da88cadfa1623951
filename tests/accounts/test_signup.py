"""Sign up: Django's password validators, unique email (any case), the event and
the confirmation email sent by the consumer."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from cocreate.accounts import actions
from cocreate.accounts.models import User
from cocreate.core.errors import Invalid
from cocreate.core.models import Event
from tests.accounts.conftest import NEW_PASSWORD, link_in, send_queued_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "margaretha.vandenberg@example.org"
WEAK_PASSWORDS = {
    "short": "Xy7!ab",
    "common": "qwertyuiop",
    "numeric": "4829173650",
    "similar to the email": "margarethavandenberg",
}


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "display_name": "Greta",
        "email": EMAIL,
        "password": NEW_PASSWORD,
        "language": "en",
    }
    data.update(overrides)
    return data


def test_signup_page_creates_an_unconfirmed_account_records_event_and_signs_in():
    client = Client()
    response = client.post("/accounts/signup/", signup_data(email="Greta@Example.org"))

    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "greta@example.org"
    assert user.display_name == "Greta"
    assert user.check_password(NEW_PASSWORD)
    assert user.email_confirmed_at is None
    assert client.session["_auth_user_id"] == str(user.pk)
    event = Event.objects.get(kind="account.signed_up")
    assert (event.actor_id, event.target_id) == (user.pk, user.pk)


@pytest.mark.parametrize("kind", sorted(WEAK_PASSWORDS))
def test_signup_action_rejects_weak_password_and_creates_nothing(kind):
    with pytest.raises(Invalid) as info:
        actions.sign_up(email=EMAIL, password=WEAK_PASSWORDS[kind], display_name="Greta")
    assert info.value.status == 422
    assert "password" in info.value.fields
    assert not User.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize("kind", sorted(WEAK_PASSWORDS))
def test_signup_api_rejects_weak_password_with_422_on_the_password_field(kind):
    response = Client().post(
        "/api/v1/auth/signup",
        signup_data(password=WEAK_PASSWORDS[kind]),
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert isinstance(error["message"], str)
    assert list(error["fields"]) == ["password"]
    assert all(isinstance(m, str) and m for m in error["fields"]["password"])
    assert not User.objects.exists()
    assert not Event.objects.exists()
    send_queued_emails()
    assert mail.outbox == []


@pytest.mark.parametrize("kind", sorted(WEAK_PASSWORDS))
def test_signup_page_shows_weak_password_error_and_creates_nothing(kind):
    client = Client()
    response = client.post("/accounts/signup/", signup_data(password=WEAK_PASSWORDS[kind]))
    assert response.status_code == 422
    assert response.context["form"].errors["password"]
    assert not User.objects.exists()
    assert not Event.objects.exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "spelling", ["person@example.org", "Person@Example.ORG", " PERSON@example.org "]
)
def test_signup_with_an_existing_email_in_any_case_is_rejected(spelling):
    existing = UserFactory(email="person@example.org", display_name="First")
    with pytest.raises(Invalid) as info:
        actions.sign_up(email=spelling, password=NEW_PASSWORD, display_name="Second")
    assert "email" in info.value.fields
    assert list(User.objects.values_list("pk", "display_name")) == [(existing.pk, "First")]
    assert not Event.objects.exists()


def test_signup_api_with_an_existing_email_is_422_on_the_email_field():
    UserFactory(email="person@example.org")
    response = Client().post(
        "/api/v1/auth/signup",
        signup_data(email="PERSON@example.org"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["email"]
    assert User.objects.count() == 1
    assert not Event.objects.exists()


def test_signup_page_with_an_existing_email_shows_the_error_and_changes_nothing():
    existing = UserFactory(email="person@example.org")
    before = existing.password
    response = Client().post("/accounts/signup/", signup_data(email="Person@example.org"))
    assert response.status_code == 422
    assert response.context["form"].errors["email"]
    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert existing.password == before


def test_signup_api_returns_the_new_account_without_secrets():
    response = Client().post("/api/v1/auth/signup", signup_data(), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get()
    assert body["id"] == user.pk
    assert body["email"] == EMAIL
    assert body["email_confirmed"] is False
    assert "password" not in body
    assert NEW_PASSWORD not in response.content.decode()


def test_signup_sends_one_confirmation_email_through_the_consumer():
    user = actions.sign_up(email=EMAIL, password=NEW_PASSWORD, display_name="Greta")
    assert mail.outbox == []  # sent after commit by the worker, not by the action

    send_queued_emails()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert link_in(message).startswith("/accounts/confirm/")

    send_queued_emails()
    assert len(mail.outbox) == 1  # each event is handled once


def test_signup_in_chinese_saves_the_language_and_emails_the_member():
    user = actions.sign_up(
        email=EMAIL, password=NEW_PASSWORD, display_name="格蕾塔", language="zh-hans"
    )
    assert user.language == "zh-hans"
    send_queued_emails()
    assert len(mail.outbox) == 1
    assert "格蕾塔" in mail.outbox[0].body


def test_signup_rejects_an_invalid_email_and_an_unknown_language():
    with pytest.raises(Invalid) as info:
        actions.sign_up(email="not-an-email", password=NEW_PASSWORD, display_name="X")
    assert "email" in info.value.fields
    with pytest.raises(Invalid) as info:
        actions.sign_up(email=EMAIL, password=NEW_PASSWORD, display_name="X", language="fr")
    assert "language" in info.value.fields
    assert not User.objects.exists()
    assert not Event.objects.exists()
