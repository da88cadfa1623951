"""Keyboard and accessibility smoke tests: labelled form controls, working
descriptions, a skip link that is the first stop for the keyboard, landmarks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in_context

pytestmark = pytest.mark.browser

# Visible controls without a label, and aria-describedby pointing at nothing.
UNLABELLED_JS = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button')
    .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label')
                    && !el.getAttribute('aria-labelledby'))
    .map((el) => el.name || el.id)"""
BROKEN_DESCRIPTIONS_JS = """() => [...document.querySelectorAll('[aria-describedby]')]
    .flatMap((el) => el.getAttribute('aria-describedby').split(/\\s+/)
        .filter((id) => id && !document.getElementById(id))
        .map((id) => `${el.name || el.id} -> #${id}`))"""

LABELS = {
    "/accounts/signup/": ["Display name", "Email", "Password", "Language"],
    "/accounts/login/": ["Email", "Password"],
    "/accounts/settings/": [
        "Display name",
        "Short bio",
        "Languages you speak",
        "Interface language",
        "Avatar",
        "Remove my avatar",
        "Current password",
        "New password",
    ],
    "/accounts/settings/tokens/": ["Token name"],
}


def check_form_labels(page: Page, path: str) -> None:
    page.goto(path)
    assert page.evaluate(UNLABELLED_JS) == [], path
    main = page.locator("main")
    for label in LABELS[path]:
        control = main.get_by_label(re.compile(rf"^{re.escape(label)}:?$")).and_(
            main.locator("input, select, textarea")
        )
        expect(control.first).to_be_visible()
        assert control.count() == 1, f"{path}: {label!r} labels {control.count()} controls"
        control.focus()
        expect(control).to_be_focused()
    # The header's language switch is labelled too, though visually hidden.
    expect(page.get_by_role("combobox", name="Language", exact=True).first).to_be_attached()


def test_every_form_control_on_account_pages_has_a_label(new_context, live_server, site):
    anonymous = new_context().new_page()
    for path in ("/accounts/signup/", "/accounts/login/"):
        check_form_labels(anonymous, path)
    context = new_context()
    log_in_context(context, site.owner, live_server.url)
    signed_in = context.new_page()
    for path in ("/accounts/settings/", "/accounts/settings/tokens/"):
        check_form_labels(signed_in, path)


def test_help_texts_are_linked_to_their_fields(new_context, live_server, site):
    """aria-describedby must name an element that exists, or screen readers read
    nothing (Django renders `<id>_helptext`)."""
    anonymous = new_context().new_page()
    broken = []
    anonymous.goto("/accounts/signup/")
    broken += anonymous.evaluate(BROKEN_DESCRIPTIONS_JS)
    context = new_context()
    log_in_context(context, site.owner, live_server.url)
    signed_in = context.new_page()
    for path in ("/accounts/settings/", "/accounts/settings/tokens/"):
        signed_in.goto(path)
        broken += signed_in.evaluate(BROKEN_DESCRIPTIONS_JS)
    assert broken == []


def test_skip_link_is_the_first_keyboard_stop_and_jumps_to_the_content(page):
    page.goto("/accounts/login/")
    skip = page.locator("a.skip-link")
    expect(skip).to_have_attribute("href", "#content")
    expect(page.locator("main#content")).to_have_count(1)
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to content")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["width"] > 1, box  # shown when focused
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/#content")
    # Landmarks: one banner, one main, one content-info, a named main navigation.
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(1)


def test_header_sign_up_button_keeps_the_primary_button_colours(page):
    """The header's primary button must be as legible as the hero's: white text on
    the accent colour, not the header's dark link colour."""
    page.goto("/")
    colours = "(el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]"
    header_button = page.locator("header a.btn-primary").evaluate(colours)
    hero_button = page.locator("main a.btn-primary").first.evaluate(colours)
    assert header_button == hero_button
