"""Webhooks in a real browser, in English and Chinese: the owner adds an endpoint
pointing at a real local receiver, copies the secret shown once, sends a test
delivery and sees it delivered in the log; a submitted idea then reaches the
receiver signed with that secret. Screenshots at desktop and phone widths."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.utils import translation
from playwright.sync_api import expect

from cocreate.ideas import actions as idea_actions
from cocreate.webhooks.models import Endpoint
from tests.browser.conftest import PHONE, save_screenshot
from tests.browser.test_idea_flow import build_world, expect_language, person_page, say
from tests.webhooks.conftest import receiver  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


def status_label(language: str, text: str) -> str:
    with translation.override(language):
        return translation.pgettext("webhook delivery", text)


def verified(secret: str, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_owner_adds_an_endpoint_tests_it_and_receives_signed_events(
    language,
    new_context,
    live_server,
    problems,
    receiver,  # noqa: F811
):
    world = build_world(language)
    page = person_page(new_context, live_server, world.owner)
    page.goto(f"/c/{world.community.slug}/admin/")
    expect_language(page, language)
    page.get_by_role("link", name=say(language, "Webhooks")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Webhooks"))

    form = page.locator("main form").filter(has=page.locator("input[name=url]"))
    form.locator("input[name=url]").fill(receiver.url)
    form.locator("input[name=description]").fill("CRM")
    form.locator("input[name=kinds][value='idea.submitted']").check()
    form.locator("input[name=kinds][value='idea.stage_changed']").check()
    form.get_by_role("button", name=say(language, "Add endpoint")).click()

    # The secret is shown once, in full, with a copy button.
    endpoint = Endpoint.objects.get()
    expect(page.locator("#new-secret")).to_have_text(endpoint.secret)
    save_screenshot(page, f"webhook-created-{language}")

    page.get_by_role("button", name=say(language, "Send a test delivery")).click()
    log = page.locator(".delivery-list")
    expect(log.locator(".delivery")).to_have_count(1)
    expect(log).to_contain_text(status_label(language, "Delivered"))
    expect(page.locator("#new-secret")).to_have_count(0)  # not shown again
    assert len(receiver.requests) == 1
    ping = receiver.requests[0]
    assert verified(endpoint.secret, ping.body, ping.headers["X-Cocreate-Signature"])
    assert json.loads(ping.body)["event"] == "ping"

    # A real event reaches the receiver, signed, and shows in the log.
    idea = idea_actions.submit_idea(
        world.author,
        world.challenge,
        title="Rain cape" if language == "en" else "雨披",
        body="A cape that clips to the handlebar." if language == "en" else "能夹在车把上的雨披。",
        language=language,
        accept_terms=True,
    )
    assert len(receiver.requests) == 2
    got = receiver.requests[1]
    assert verified(endpoint.secret, got.body, got.headers["X-Cocreate-Signature"])
    payload = json.loads(got.body)
    assert (payload["event"], payload["idea"]["id"]) == ("idea.submitted", idea.pk)
    assert payload["idea"]["title"] == idea.title

    page.reload()
    expect(log.locator(".delivery")).to_have_count(2)
    log.locator(".delivery summary").first.click()
    expect(log.locator(".delivery pre.payload").first).to_contain_text(idea.title)
    save_screenshot(page, f"webhook-log-{language}")
    page.set_viewport_size(PHONE)
    save_screenshot(page, f"webhook-log-{language}")
    assert problems.besides_favicon() == []
