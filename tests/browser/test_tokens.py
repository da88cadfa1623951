"""API tokens from the settings page: shown once, usable, explained, revocable."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cocreate.accounts.models import ApiToken, hash_token
from tests.browser.conftest import log_in_context

pytestmark = pytest.mark.browser


def test_token_is_shown_once_works_against_the_api_and_stops_working_when_revoked(
    new_context, live_server, site, problems
):
    context = new_context()
    log_in_context(context, site.owner, live_server.url)
    page = context.new_page()
    page.goto("/accounts/settings/tokens/")
    page.locator("main").get_by_label("Token name").fill("Reporting script")
    page.get_by_role("button", name="Create token").click()

    raw = page.locator("#new-token").inner_text().strip()
    assert raw.startswith("cc_")
    token = ApiToken.objects.get(user=site.owner, name="Reporting script")
    assert token.token_hash == hash_token(raw)
    assert raw not in token.token_hash

    cookieless = new_context().request  # no session: only the token can authenticate
    me = cookieless.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status == 200
    assert me.json()["display_name"] == "Olga Owner"

    page.goto("/accounts/settings/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)
    assert raw not in page.content()
    expect(page.locator("main table")).to_contain_text(raw[:10])

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator("main table .pill")).to_have_text("Revoked")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert cookieless.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status == 401
    assert problems.besides_favicon() == []


def test_tokens_page_shows_how_to_send_the_token(new_context, live_server, site):
    context = new_context()
    log_in_context(context, site.owner, live_server.url)
    page = context.new_page()
    page.goto("/accounts/settings/tokens/")
    explanation = page.locator("main p.small").first.inner_text()
    assert "Authorization: Bearer <token>" in explanation
