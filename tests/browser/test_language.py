"""Switching the interface to Simplified Chinese, and keeping it for a member."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from cocreate.accounts.models import User
from tests.browser.conftest import sign_in, sign_out
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def switch_language(page: Page, language: str) -> None:
    switcher = page.locator("header form.lang-switch")
    switcher.locator("select[name=language]").select_option(language)
    switcher.locator("button[type=submit]").click()
    page.wait_for_load_state()


def expect_chinese(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    nav = page.locator("#main-nav")
    expect(nav).to_contain_text("社区")
    expect(nav).not_to_contain_text("Communities")
    expect(page.locator("#lang-select")).to_have_value("zh-hans")


def expect_english(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#main-nav")).to_contain_text("Communities")


def test_anonymous_visitor_switches_the_home_page_to_chinese(page, live_server, problems):
    page.goto("/")
    expect_english(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Make things together")

    switch_language(page, "zh-hans")

    expect_chinese(page)
    expect(page).to_have_url(f"{live_server.url}/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "Make things together" not in heading
    assert any("\u4e00" <= ch <= "\u9fff" for ch in heading), heading
    expect(page.locator("header .user-menu")).not_to_contain_text("Sign in")
    # The choice sticks for the next page.
    page.goto("/communities/")
    expect_chinese(page)
    assert problems.besides_favicon() == []


def test_members_language_choice_is_saved_and_comes_back_after_signing_in_again(
    new_context, live_server, problems
):
    person = UserFactory(display_name="Lin Lang", email="lin@example.org", language="en")
    context = new_context()
    page = context.new_page()
    sign_in(page, person.email, PASSWORD)
    expect_english(page)

    switch_language(page, "zh-hans")

    expect_chinese(page)
    assert User.objects.get(pk=person.pk).language == "zh-hans"

    sign_out(page)
    # Forget everything the browser knows (language cookie included): only the
    # saved preference can bring Chinese back.
    context.clear_cookies()
    page.goto("/")
    expect_english(page)
    sign_in(page, person.email, PASSWORD)
    expect_chinese(page)
    page.goto("/accounts/settings/")
    expect_chinese(page)
    expect(page.locator("main select[name=language]")).to_have_value("zh-hans")
    assert problems.besides_favicon() == []
