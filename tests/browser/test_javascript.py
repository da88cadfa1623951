"""JavaScript and Content-Security-Policy sanity: the main pages and their
enhancements (htmx, copy button, confirm, mobile menu) run without a single
console error, uncaught exception or CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cocreate.communities.models import Application
from tests.browser.conftest import PHONE, SHOTS, open_shot

pytestmark = pytest.mark.browser


def test_main_pages_and_their_scripts_run_without_console_errors_or_csp_violations(
    people_pages, site, problems
):
    for shot in SHOTS:
        page = people_pages[shot.who]
        response = open_shot(page, shot)
        assert response is not None and response.status == 200, shot
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # htmx loaded and configured by app.js (no inline indicator <style>).
        assert page.evaluate("typeof window.htmx") == "object", shot
        assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False, shot

    # htmx: the owner accepts an application in place.
    owner = people_pages["owner"]
    owner.goto("/c/harbour-makers/admin/")
    application = Application.objects.get(user=site.applicant)
    row = owner.locator(f"#application-{application.pk}")
    row.get_by_role("button", name="Accept").click()
    expect(owner.locator(f"#application-{application.pk} .pill")).to_have_text("Accepted")

    # Copy button on the one-time token.
    open_shot(owner, next(s for s in SHOTS if s.create_token))
    owner.locator("button[data-copy='#new-token']").click()
    expect(owner.locator("button[data-copy='#new-token']")).to_have_text("Copied")

    # data-confirm: refusing the dialog keeps the member in the community.
    member = people_pages["member_zh"]
    member.goto("/c/harbour-makers/")
    member.once("dialog", lambda dialog: dialog.dismiss())
    member.locator("form[data-confirm] button[type=submit]").click()
    expect(member.locator("#join-panel .badge")).to_be_visible()
    assert site.community.memberships.filter(user=site.member).exists()

    # Mobile menu toggle.
    anon = people_pages["anon"]
    anon.set_viewport_size(PHONE)
    anon.goto("/")
    toggle = anon.locator("button.nav-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(anon.locator("#main-nav")).not_to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(anon.get_by_role("link", name="Communities")).to_be_visible()
    anon.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    assert problems.besides_favicon() == []


def test_pages_give_the_browser_an_icon_instead_of_a_404(page, problems):
    page.goto("/")
    icon = page.locator("link[rel~=icon]")
    href = icon.first.get_attribute("href") if icon.count() else "/favicon.ico"
    assert href
    if not href.startswith("data:"):
        response = page.request.get(href)
        assert response.status == 200, f"{href} answers {response.status}"
    assert problems.items == []


def test_content_security_policy_blocks_injected_inline_script(page):
    page.goto("/")
    violated = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener(
                'securitypolicyviolation', (e) => resolve(e.effectiveDirective), {once: true});
            const script = document.createElement('script');
            script.textContent = 'window.__injected = true';
            document.body.appendChild(script);
        })"""
    )
    assert violated.startswith("script-src")
    assert page.evaluate("window.__injected === undefined")
