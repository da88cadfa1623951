"""API tokens: created on the page or the API, the secret shown once and stored
only as its SHA-256; list and revoke; token and session authentication."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from cocreate.accounts import actions
from cocreate.accounts.models import ApiToken, User
from cocreate.core.models import Event
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(db) -> User:
    return UserFactory(email="ada@example.org", display_name="Ada")


@pytest.fixture
def grace(db) -> User:
    return UserFactory(email="grace@example.org", display_name="Grace")


def signed_in(user: User, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def token_state(token: ApiToken) -> tuple:
    token.refresh_from_db()
    return (token.name, token.revoked_at, token.token_hash, token.user_id)


def assert_stored_hashed(raw: str) -> None:
    rows = list(ApiToken.objects.values())
    assert rows
    for row in rows:
        for column, value in row.items():
            assert raw not in str(value), f"raw token found in column {column}"
    token = ApiToken.objects.get(token_hash=hashlib.sha256(raw.encode()).hexdigest())
    assert raw.startswith(token.prefix)


# --- the tokens page -------------------------------------------------------------


def test_tokens_page_needs_a_signed_in_member():
    response = Client().get("/accounts/settings/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_creating_a_token_on_the_page_shows_the_secret_once(ada):
    client = signed_in(ada)
    response = client.post("/accounts/settings/tokens/", {"name": "reporting script"})
    assert response.status_code == 201
    raw = response.context["raw_token"]
    assert raw.startswith("cc_")
    assert raw.encode() in response.content
    token = ApiToken.objects.get(user=ada)
    assert token.name == "reporting script"
    assert Event.objects.filter(kind="account.token_created", target_id=token.pk).count() == 1

    reloaded = client.get("/accounts/settings/tokens/")
    assert reloaded.status_code == 200
    assert raw.encode() not in reloaded.content
    assert b"reporting script" in reloaded.content
    assert token.prefix.encode() in reloaded.content


def test_only_the_sha256_of_a_token_is_stored(ada):
    response = signed_in(ada).post("/accounts/settings/tokens/", {"name": "script"})
    assert_stored_hashed(response.context["raw_token"])

    _token, raw = actions.create_token(ada, name="second")
    assert_stored_hashed(raw)


def test_a_token_without_a_name_is_refused(ada):
    response = signed_in(ada).post("/accounts/settings/tokens/", {"name": "   "})
    assert response.status_code in (200, 422)
    assert response.context["form"].errors
    assert not ApiToken.objects.exists()
    assert not Event.objects.filter(kind="account.token_created").exists()


def test_at_most_20_active_tokens(ada):
    for i in range(20):
        actions.create_token(ada, name=f"t{i}")
    response = signed_in(ada).post("/accounts/settings/tokens/", {"name": "one too many"})
    assert response.status_code == 422
    assert "raw_token" not in response.context or not response.context["raw_token"]
    assert ApiToken.objects.filter(user=ada).count() == 20
    assert not ApiToken.objects.filter(name="one too many").exists()

    actions.revoke_token(ada, ApiToken.objects.filter(user=ada).first().pk)
    assert signed_in(ada).post("/accounts/settings/tokens/", {"name": "room"}).status_code == 201


def test_the_page_lists_only_my_tokens(ada, grace):
    actions.create_token(ada, name="ada-laptop")
    actions.create_token(grace, name="grace-server")
    response = signed_in(ada).get("/accounts/settings/tokens/")
    assert b"ada-laptop" in response.content
    assert b"grace-server" not in response.content


def test_revoking_on_the_page_stops_the_token(ada):
    token, raw = actions.create_token(ada, name="script")
    assert bearer(raw).get("/api/v1/me").status_code == 200

    response = signed_in(ada).post(f"/accounts/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Event.objects.filter(kind="account.token_revoked", target_id=token.pk).count() == 1

    response = bearer(raw).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_revoking_needs_a_post(ada):
    token, _raw = actions.create_token(ada, name="script")
    response = signed_in(ada).get(f"/accounts/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_another_members_token_on_the_page_is_404_and_changes_nothing(ada, grace):
    token, raw = actions.create_token(grace, name="grace-server")
    before = token_state(token)
    events = Event.objects.count()

    response = signed_in(ada).post(f"/accounts/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert token_state(token) == before
    assert Event.objects.count() == events
    assert bearer(raw).get("/api/v1/me").status_code == 200


# --- the API -----------------------------------------------------------------------


def test_token_auth_works_for_me(ada):
    _token, raw = actions.create_token(ada, name="script")
    response = bearer(raw).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ada.pk
    assert body["email"] == "ada@example.org"
    assert body["email_confirmed"] is True
    assert body["is_site_staff"] is False


def test_using_a_token_records_when_it_was_last_used(ada):
    token, raw = actions.create_token(ada, name="script")
    assert token.last_used_at is None
    bearer(raw).get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header", ["Bearer cc_not-a-real-token", "Bearer ", "Bearer nonsense", "Basic YWRhOnB3"]
)
def test_a_bad_token_is_401_in_the_error_shape(ada, header):
    client = Client(headers={"Authorization": header})
    for path in ("/api/v1/me", f"/api/v1/users/{ada.pk}"):
        response = client.get(path)
        assert response.status_code == 401, path
        error = response.json()["error"]
        assert error["code"] == "unauthenticated"
        assert isinstance(error["message"], str)


def test_me_without_credentials_is_401():
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_token_of_a_disabled_account_is_401(ada):
    _token, raw = actions.create_token(ada, name="script")
    User.objects.filter(pk=ada.pk).update(is_active=False)
    assert bearer(raw).get("/api/v1/me").status_code == 401


def test_create_list_and_revoke_through_the_api(ada):
    client = bearer(actions.create_token(ada, name="bootstrap")[1])

    created = client.post("/api/v1/auth/tokens", {"name": "ci"}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    raw = body["token"]
    assert raw.startswith(body["prefix"])
    assert_stored_hashed(raw)
    assert bearer(raw).get("/api/v1/me").status_code == 200

    listed = client.get("/api/v1/auth/tokens")
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert {item["name"] for item in items} == {"bootstrap", "ci"}
    assert listed.json()["count"] == 2
    assert all("token" not in item for item in items)
    assert raw not in listed.content.decode()

    revoked = client.delete(f"/api/v1/auth/tokens/{body['id']}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert "token" not in revoked.json()
    assert bearer(raw).get("/api/v1/me").status_code == 401
    assert ApiToken.objects.get(pk=body["id"]).revoked_at is not None


def test_the_api_lists_only_my_tokens(ada, grace):
    actions.create_token(grace, name="grace-server")
    _token, raw = actions.create_token(ada, name="ada-laptop")
    names = [item["name"] for item in bearer(raw).get("/api/v1/auth/tokens").json()["items"]]
    assert names == ["ada-laptop"]


def test_revoking_another_members_token_through_the_api_is_404_and_changes_nothing(ada, grace):
    token, grace_raw = actions.create_token(grace, name="grace-server")
    _mine, raw = actions.create_token(ada, name="mine")
    before = token_state(token)
    events = Event.objects.count()

    response = bearer(raw).delete(f"/api/v1/auth/tokens/{token.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert token_state(token) == before
    assert Event.objects.count() == events
    assert bearer(grace_raw).get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("token_id", ["999999", "0", "-1", "99999999999999999999", "abc"])
def test_revoking_a_missing_token_id_is_a_clean_4xx(ada, token_id):
    _token, raw = actions.create_token(ada, name="mine")
    response = bearer(raw).delete(f"/api/v1/auth/tokens/{token_id}")
    assert response.status_code in (404, 422)
    assert "error" in response.json()
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


# --- POST /api/v1/auth/token ---------------------------------------------------------


def test_email_and_password_give_a_working_token(ada):
    response = Client().post(
        "/api/v1/auth/token",
        {"email": "ADA@example.org", "password": PASSWORD, "name": "cli"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "cli"
    assert_stored_hashed(body["token"])
    assert bearer(body["token"]).get("/api/v1/me").json()["id"] == ada.pk


def test_a_wrong_password_is_422_in_the_error_shape_and_creates_no_token(ada):
    response = Client().post(
        "/api/v1/auth/token",
        {"email": "ada@example.org", "password": "not-the-password"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "invalid"
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    assert all(
        isinstance(v, list) and all(isinstance(m, str) for m in v)
        for v in body["error"]["fields"].values()
    )
    assert not ApiToken.objects.exists()
    assert not Event.objects.filter(kind="account.token_created").exists()


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(ada):
    def ask(email: str):
        return Client().post(
            "/api/v1/auth/token",
            {"email": email, "password": "not-the-password"},
            content_type="application/json",
        )

    wrong, unknown = ask("ada@example.org"), ask("nobody@example.org")
    assert wrong.status_code == unknown.status_code == 422
    assert wrong.json() == unknown.json()


def test_a_malformed_token_request_is_422_not_500(db):
    response = Client().post(
        "/api/v1/auth/token", {"email": "ada@example.org"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "password" in response.json()["error"]["fields"]


# --- session authentication and CSRF --------------------------------------------------


def test_session_api_post_without_csrf_header_is_403_and_creates_nothing(ada):
    client = signed_in(ada, enforce_csrf_checks=True)
    response = client.post("/api/v1/auth/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not ApiToken.objects.exists()
    assert not Event.objects.filter(kind="account.token_created").exists()


def test_session_api_delete_without_csrf_header_is_403_and_revokes_nothing(ada):
    token, _raw = actions.create_token(ada, name="keep")
    client = signed_in(ada, enforce_csrf_checks=True)
    response = client.delete(f"/api/v1/auth/tokens/{token.pk}")
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_session_api_post_with_the_csrf_header_works(ada):
    client = signed_in(ada, enforce_csrf_checks=True)
    client.get("/accounts/settings/tokens/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/auth/tokens",
        {"name": "browser"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201
    assert ApiToken.objects.get().name == "browser"


def test_session_api_get_needs_no_csrf_header(ada):
    client = signed_in(ada, enforce_csrf_checks=True)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["id"] == ada.pk


def test_token_api_post_needs_no_csrf_header(ada):
    _token, raw = actions.create_token(ada, name="script")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = client.post("/api/v1/auth/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 201
