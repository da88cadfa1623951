"""Conversations in a real browser, in English and Chinese: the owner starts one
with seed statements; a member votes through every statement with the keyboard
(a / d / p, htmx, no reload) and adds a statement; other members' votes split
the room in two; the report then shows the opinion map with the member's own
dot, two groups with what sets them apart, and the common ground. Screenshots
at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cocreate.communities import actions as community_actions
from cocreate.consensus import actions, compute
from cocreate.consensus.models import Conversation, Statement, Vote
from tests.browser.conftest import (
    PHONE,
    has_no_horizontal_overflow,
    log_in_context,
    save_screenshot,
)
from tests.browser.test_idea_flow import build_world, expect_language, person_page, say
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

STATEMENTS = {
    "en": [
        "Bike lanes should be separated from cars.",
        "The harbour path should stay open at night.",
        "Parking fees should pay for new bike racks.",
        "Delivery vans need their own loading bays.",
        "Kids should be able to cycle to school alone.",
        "Shops lose customers when parking is removed.",
        "Night buses matter more than bike lanes.",
        "The city should plant more trees on main streets.",
    ],
    "zh-hans": [
        "自行车道应该和汽车道分开。",
        "港口步道晚上也应该开放。",
        "停车费应该用来建新的自行车停车架。",
        "送货车需要专用的装卸区。",
        "孩子应该能自己骑车上学。",
        "取消停车位会让商店失去顾客。",
        "夜间公交比自行车道更重要。",
        "主干道应该多种树。",
    ],
}
NEW_STATEMENT = {
    "en": "Bike repair stands at every station.",
    "zh-hans": "每个车站都设自行车维修架。",
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_members_vote_with_the_keyboard_and_the_report_maps_the_groups(
    language, new_context, live_server, problems
):
    world = build_world(language)
    owner, member = world.owner, world.author
    seeds = STATEMENTS[language]

    # The owner starts the conversation from the community's list.
    page = person_page(new_context, live_server, owner)
    page.goto(f"/c/{world.community.slug}/conversations/")
    expect_language(page, language)
    page.get_by_role("link", name=say(language, "Start a conversation")).click()
    page.locator("input[name=title]").fill(
        "How should the harbour move?" if language == "en" else "港口交通该怎么改？"
    )
    page.locator("textarea[name=statements]").fill("\n".join(seeds))
    page.get_by_role("button", name=say(language, "Open the conversation")).click()
    conversation = Conversation.objects.get()
    expect(page).to_have_url(f"{live_server.url}/conversations/{conversation.pk}/")
    assert conversation.statement_count == len(seeds)

    # A member votes through all of them with the keys, without reloading.
    page = person_page(new_context, live_server, member)
    page.goto(f"/conversations/{conversation.pk}/")
    expect_language(page, language)
    page.evaluate("window.__stayed = true")

    card = page.locator("#vote-card")
    expect(card.locator(".statement")).to_be_visible()
    save_screenshot(page, f"conversation-vote-{language}")
    keys = ["a", "d", "p", "a", "a", "d", "a", "d"]
    for i, key in enumerate(keys):
        shown = card.locator(".statement").inner_text()
        page.keyboard.press(key)
        if i < len(keys) - 1:  # the next statement replaces this one in place (htmx)
            expect(card.locator(".statement")).not_to_have_text(shown)
    expect(card).to_contain_text(say(language, "You have voted on every statement."))
    assert page.evaluate("window.__stayed === true")  # no reload happened
    votes = dict(
        Vote.objects.filter(participant__user=member).values_list("statement__body", "value")
    )
    assert len(votes) == len(seeds)
    assert sorted(votes.values()) == sorted({"a": 1, "d": -1, "p": 0}[k] for k in keys)

    # The member adds a statement of their own (post-moderation: in at once).
    page.locator("textarea[name=body]").fill(NEW_STATEMENT[language])
    page.get_by_role("button", name=say(language, "Add statement")).click()
    expect(page.locator(".messages, .message").first).to_be_visible()
    assert Statement.objects.filter(body=NEW_STATEMENT[language], status="accepted").exists()
    expect(card.locator(".statement")).to_have_text(NEW_STATEMENT[language])

    # Twenty more members split the room: one side agrees with the first half.
    statements = list(Statement.objects.filter(conversation=conversation).order_by("pk"))
    for i in range(20):
        voter = UserFactory(display_name=f"Voter {i}")
        community_actions.join(voter, world.community)
        for j, statement in enumerate(statements[: len(seeds)]):
            side = 1 if (i < 10) == (j < len(seeds) // 2) else -1
            if j == len(seeds) - 1:
                side = 1  # everyone wants trees: common ground
            actions.vote(voter, statement, side)
    compute.recompute(conversation.pk)  # what the task worker does after the votes

    page.goto(f"/conversations/{conversation.pk}/report/")
    expect(page.locator(".map-svg")).to_be_visible()
    expect(page.locator(".map-svg .dot")).to_have_count(21)
    expect(page.locator(".map-me")).to_contain_text(say(language, "You"))
    expect(page.locator(".group-card")).to_have_count(2)
    expect(page.locator(".ground-list")).to_contain_text(seeds[-1])
    hover = page.locator(".map-statement").first
    expect(hover.locator("title")).not_to_have_text("")
    assert has_no_horizontal_overflow(page)
    save_screenshot(page, f"conversation-report-{language}")

    phone = new_context(viewport=PHONE)
    log_in_context(phone, member, live_server.url)
    small = phone.new_page()
    small.goto(f"{live_server.url}/conversations/{conversation.pk}/report/")
    expect(small.locator(".map-svg")).to_be_visible()
    assert has_no_horizontal_overflow(small)
    save_screenshot(small, f"conversation-report-{language}")
    small.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    assert has_no_horizontal_overflow(small)
    save_screenshot(small, f"conversation-vote-{language}")
    assert problems.besides_favicon() == []
