"""The email confirmation link: only a POST confirms, it works once, for 24 hours,
and a changed token is refused."""

from __future__ import annotations

import time

import pytest
from django.core import mail, signing
from django.test import Client

from cocreate.accounts import actions
from cocreate.accounts.models import User
from cocreate.core.errors import Invalid
from cocreate.core.models import Event
from tests.accounts.conftest import NEW_PASSWORD, link_in, send_queued_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


def signed_up(email: str = "newcomer@example.org") -> tuple[User, str]:
    """Sign up and return the user and the link from the confirmation email."""
    user = actions.sign_up(email=email, password=NEW_PASSWORD, display_name="Newcomer")
    send_queued_emails()
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return user, link_in(message)


def confirmation_events() -> int:
    return Event.objects.filter(kind="account.email_confirmed").count()


def later(monkeypatch, seconds: float) -> None:
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() + seconds)


def test_opening_the_link_shows_a_button_and_confirms_nothing():
    user, link = signed_up()
    response = Client().get(link)
    assert response.status_code == 200
    assert b'method="post"' in response.content
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    assert confirmation_events() == 0


def test_posting_the_link_confirms_the_address_and_records_an_event():
    user, link = signed_up()
    response = Client().post(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    event = Event.objects.get(kind="account.email_confirmed")
    assert event.target_id == user.pk


def test_signed_in_member_is_sent_home_after_confirming():
    user, link = signed_up()
    client = Client()
    client.force_login(user)
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_link_works_only_once():
    user, link = signed_up()
    assert Client().post(link).status_code == 302
    user.refresh_from_db()
    confirmed_at = user.email_confirmed_at

    response = Client().post(link)
    assert response.status_code == 422
    assert response.context["error"]
    user.refresh_from_db()
    assert user.email_confirmed_at == confirmed_at
    assert confirmation_events() == 1


def test_a_resent_link_does_not_work_after_the_first_link_was_used():
    user, first = signed_up()
    actions.resend_confirmation(user)
    send_queued_emails()
    second = link_in(mail.outbox[-1])
    assert Client().post(first).status_code == 302
    assert Client().post(second).status_code == 422
    assert confirmation_events() == 1


def test_the_link_still_works_just_before_24_hours(monkeypatch):
    user, link = signed_up()
    later(monkeypatch, DAY - 60)
    assert Client().post(link).status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_the_link_expires_after_24_hours(monkeypatch):
    user, link = signed_up()
    later(monkeypatch, DAY + 60)
    response = Client().post(link)
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    assert confirmation_events() == 0


def test_the_action_reports_an_expired_token_as_invalid(monkeypatch):
    user = actions.sign_up(email="late@example.org", password=NEW_PASSWORD, display_name="Late")
    token = actions.confirmation_token(user)
    later(monkeypatch, DAY + 1)
    with pytest.raises(Invalid):
        actions.confirm_email(token)
    user.refresh_from_db()
    assert user.email_confirmed_at is None


@pytest.mark.parametrize("where", ["payload", "signature"])
def test_a_tampered_token_is_refused(where):
    user, link = signed_up()
    token = link.rstrip("/").rsplit("/", 1)[1]
    position = 2 if where == "payload" else len(token) - 3
    flipped = "A" if token[position] != "A" else "B"
    tampered = token[:position] + flipped + token[position + 1 :]
    response = Client().post(f"/accounts/confirm/{tampered}/")
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    assert confirmation_events() == 0


def test_a_token_signed_for_another_purpose_is_refused():
    user, _link = signed_up()
    forged = signing.dumps([user.pk, user.email, False], salt=actions.DEVICE_SALT)
    response = Client().post(f"/accounts/confirm/{forged}/")
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_resending_to_a_confirmed_address_is_refused_and_sends_nothing():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/confirm/resend/")
    assert response.status_code == 422
    send_queued_emails()
    assert mail.outbox == []
    assert not Event.objects.filter(kind="account.confirmation_requested").exists()


def test_resend_page_sends_a_new_link_to_an_unconfirmed_member():
    user, _link = signed_up()
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/confirm/resend/")
    assert response.status_code == 302
    send_queued_emails()
    assert len(mail.outbox) == 2
    assert Client().post(link_in(mail.outbox[-1])).status_code == 302
