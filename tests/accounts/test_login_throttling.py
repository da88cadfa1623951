"""Log-in throttling: 5 failures per account within 30 minutes and a per-IP limit
give 429 with Retry-After, on the page and on POST /api/v1/auth/token. Nobody can
lock the owner out for good: their known browser keeps its own allowance and a
password reset lifts the lock."""

from __future__ import annotations

import math

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from cocreate.accounts import actions
from cocreate.accounts.models import ApiToken, User
from cocreate.core.models import Event
from tests.accounts.conftest import NEW_PASSWORD, link_in, send_queued_emails
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "ada@example.org"
WRONG = "not-the-password"


@pytest.fixture
def ada(clock) -> User:
    return UserFactory(email=EMAIL)


def page_login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"email": email, "password": password})


def api_login(client: Client, email: str, password: str):
    return client.post(
        "/api/v1/auth/token",
        {"email": email, "password": password, "name": "script"},
        content_type="application/json",
    )


def fail(client: Client, email: str, times: int, via=page_login) -> None:
    for _ in range(times):
        assert via(client, email, WRONG).status_code == 422


def snapshot(user: User) -> tuple:
    user.refresh_from_db()
    return (
        Event.objects.count(),
        ApiToken.objects.count(),
        user.password,
        user.last_login,
        user.email_confirmed_at,
    )


def assert_throttled(response) -> None:
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= settings.LOGIN_FAILURE_WINDOW


def assert_signed_out(client: Client, response) -> None:
    assert "_auth_user_id" not in client.session
    assert actions.DEVICE_COOKIE not in response.cookies
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_sixth_attempt_on_the_page_is_429_even_with_the_right_password(ada):
    attacker = Client()
    fail(attacker, EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    before = snapshot(ada)

    response = page_login(attacker, EMAIL, PASSWORD)

    assert_throttled(response)
    assert_signed_out(attacker, response)
    assert snapshot(ada) == before  # nothing else changes on a throttled attempt


def test_sixth_attempt_on_the_api_is_429_with_retry_after_and_the_error_shape(ada):
    client = Client()
    fail(client, EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT, via=api_login)
    before = snapshot(ada)

    response = api_login(client, EMAIL, PASSWORD)

    assert_throttled(response)
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert isinstance(error["message"], str) and error["message"]
    assert snapshot(ada) == before
    assert not ApiToken.objects.exists()


def test_failures_on_the_page_lock_the_api_too(ada):
    fail(Client(), EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    assert_throttled(api_login(Client(), EMAIL, PASSWORD))
    assert not ApiToken.objects.exists()


def test_failures_on_one_account_do_not_lock_another(ada):
    other = UserFactory(email="grace@example.org")
    client = Client()
    fail(client, EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    response = page_login(client, other.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_the_account_limit_counts_every_spelling_of_the_email(ada):
    for spelling in ["ada@example.org", "ADA@example.org", " Ada@Example.org", "ada@EXAMPLE.ORG"]:
        assert page_login(Client(), spelling, WRONG).status_code == 422
    assert page_login(Client(), "ada@example.ORG", WRONG).status_code == 422
    assert_throttled(page_login(Client(), "Ada@example.org", PASSWORD))


def test_per_ip_limit_gives_429_across_different_accounts(clock):
    per_account = settings.LOGIN_FAILURES_PER_ACCOUNT - 1
    limit = settings.LOGIN_FAILURES_PER_IP
    people = [UserFactory() for _ in range(math.ceil(limit / per_account))]
    fresh = UserFactory(email="fresh@example.org")
    client = Client(REMOTE_ADDR="198.51.100.7")
    failures = 0
    for person in people:
        for _ in range(min(per_account, limit - failures)):
            assert page_login(client, person.email, WRONG).status_code == 422
            failures += 1
    assert failures == limit
    before = snapshot(fresh)

    response = page_login(client, fresh.email, PASSWORD)
    assert_throttled(response)
    assert_signed_out(client, response)
    assert_throttled(api_login(Client(REMOTE_ADDR="198.51.100.7"), fresh.email, PASSWORD))
    assert snapshot(fresh) == before

    # Another address is not affected.
    other_ip = Client(REMOTE_ADDR="203.0.113.9")
    assert page_login(other_ip, fresh.email, PASSWORD).status_code == 302


def test_per_ip_limit_counts_unknown_emails(clock):
    ada = UserFactory(email=EMAIL)
    client = Client(REMOTE_ADDR="198.51.100.8")
    for i in range(settings.LOGIN_FAILURES_PER_IP):
        assert page_login(client, f"ghost{i}@example.org", WRONG).status_code == 422
    before = snapshot(ada)
    assert_throttled(page_login(client, EMAIL, PASSWORD))
    assert snapshot(ada) == before


def test_a_successful_login_resets_the_account_counter(ada):
    client = Client()
    fail(client, EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT - 1)
    assert page_login(client, EMAIL, PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    stranger = Client()  # no device cookie: counts against the account again
    fail(stranger, EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    assert_throttled(page_login(stranger, EMAIL, PASSWORD))


def test_the_owners_known_browser_can_sign_in_while_the_account_is_locked(ada):
    owner = Client()
    assert page_login(owner, EMAIL, PASSWORD).status_code == 302
    assert owner.cookies[actions.DEVICE_COOKIE].value
    owner.post("/accounts/logout/")

    attacker = Client()
    fail(attacker, EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    assert_throttled(page_login(attacker, EMAIL, PASSWORD))

    response = page_login(owner, EMAIL, PASSWORD)
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(ada.pk)
    # ... and the lock still holds for everyone else.
    assert_throttled(page_login(Client(), EMAIL, PASSWORD))


def test_a_device_cookie_of_another_account_does_not_bypass_the_lock(ada):
    attacker = Client()
    UserFactory(email="mallory@example.org")
    assert page_login(attacker, "mallory@example.org", PASSWORD).status_code == 302
    attacker.post("/accounts/logout/")

    fail(attacker, EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    assert_throttled(page_login(attacker, EMAIL, PASSWORD))
    assert "_auth_user_id" not in attacker.session


def test_a_forged_device_cookie_does_not_bypass_the_lock(ada):
    fail(Client(), EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    forger = Client()
    forger.cookies[actions.DEVICE_COOKIE] = f"{ada.pk}:forged:signature"
    assert_throttled(page_login(forger, EMAIL, PASSWORD))


def test_the_lock_ends_once_the_window_has_passed(ada, clock):
    fail(Client(), EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    assert_throttled(page_login(Client(), EMAIL, PASSWORD))
    clock.advance(settings.LOGIN_FAILURE_WINDOW + 1)
    assert page_login(Client(), EMAIL, PASSWORD).status_code == 302


def test_five_failures_within_30_minutes_lock_even_across_a_window_boundary(ada, clock):
    """'5 failures per account per 30 min': failures just before a counter window
    ends still count a moment later."""
    window = settings.LOGIN_FAILURE_WINDOW
    clock.now = clock.window_end(window)
    clock.advance(-10)
    fail(Client(), EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    clock.advance(20)  # 20 seconds later, in the next window
    response = page_login(Client(), EMAIL, PASSWORD)
    assert_throttled(response)


def test_a_password_reset_lifts_the_lock(ada):
    fail(Client(), EMAIL, settings.LOGIN_FAILURES_PER_ACCOUNT)
    assert_throttled(page_login(Client(), EMAIL, PASSWORD))

    assert Client().post("/accounts/password-reset/", {"email": EMAIL}).status_code == 200
    send_queued_emails()
    link = link_in(mail.outbox[-1])
    response = Client().post(link, {"password": NEW_PASSWORD})
    assert response.status_code == 302

    anyone = Client()
    assert page_login(anyone, EMAIL, NEW_PASSWORD).status_code == 302
    assert anyone.session["_auth_user_id"] == str(ada.pk)


def test_a_forwarded_for_header_does_not_escape_the_per_ip_limit(clock):
    fresh = UserFactory(email="fresh@example.org")
    client = Client(REMOTE_ADDR="198.51.100.9")
    for i in range(settings.LOGIN_FAILURES_PER_IP):
        response = client.post(
            "/accounts/login/",
            {"email": f"ghost{i}@example.org", "password": WRONG},
            headers={"X-Forwarded-For": f"10.0.{i}.1"},
        )
        assert response.status_code == 422
    response = client.post(
        "/accounts/login/",
        {"email": fresh.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "10.9.9.9"},
    )
    assert_throttled(response)
