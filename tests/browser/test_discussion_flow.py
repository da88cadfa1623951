"""The discussion in a real browser, in English and in Chinese: a member asks a
question under an idea, the author replies, the owner answers officially (pinned at
the top), the asker reacts (htmx, no reload) and accepts the author's answer; at
desktop and phone widths, with screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cocreate.dialogue.models import Comment, Reaction
from cocreate.ideas import actions as idea_actions
from tests.browser.conftest import PHONE, SCREENSHOT_DIR
from tests.browser.test_idea_flow import build_world, expect_language, person_page, say

pytestmark = pytest.mark.browser

TEXT = {
    "en": (
        "Does it fit a city bike with a rack?",
        "Yes, the rack holds it.",
        "We will test it on our 2027 frames.",
    ),
    "zh-hans": ("带货架的城市车能装吗？", "能，货架可以固定住。", "我们会在 2027 款车架上测试。"),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_question_reply_official_answer_reaction_and_accept(
    language, new_context, live_server, problems
):
    world = build_world(language)
    question, reply, official = TEXT[language]
    idea = idea_actions.submit_idea(
        world.author,
        world.challenge,
        title="Rain cape" if language == "en" else "雨披",
        body="A cape that clips to the handlebar." if language == "en" else "能夹在车把上的雨披。",
        language=language,
        accept_terms=True,
    )

    # The supporter asks a question from the idea page.
    asker = person_page(new_context, live_server, world.supporter)
    asker.goto(f"/ideas/{idea.pk}/")
    expect_language(asker, language)
    discussion = asker.locator("#discussion")
    expect(discussion.get_by_role("heading", level=2)).to_contain_text(say(language, "Discussion"))
    discussion.locator("textarea[name=body]").last.fill(question)
    discussion.get_by_role("button", name=say(language, "Post comment")).click()
    asked = Comment.objects.get(body=question)
    expect(asker).to_have_url(re.compile(rf"/ideas/{idea.pk}/#comment-{asked.pk}$"))
    expect(asker.locator(f"#comment-{asked.pk}")).to_contain_text(question)

    # The author replies in the thread (the reply form opens in place).
    author = person_page(new_context, live_server, world.author)
    author.goto(f"/ideas/{idea.pk}/")
    thread = author.locator(f"#comment-{asked.pk}")
    thread.locator("details.reply summary").click()
    thread.locator("textarea[name=body]").fill(reply)
    thread.get_by_role("button", name=say(language, "Reply")).click()
    answer = Comment.objects.get(body=reply)
    assert answer.parent_id == asked.pk
    expect(author.locator(f"#comment-{answer.pk}")).to_have_class(re.compile(r"depth-1"))

    # The owner answers officially; the answer is pinned above the timeline.
    owner = person_page(new_context, live_server, world.owner)
    owner.goto(f"/ideas/{idea.pk}/")
    owner_discussion = owner.locator("#discussion")
    owner_discussion.locator("textarea[name=body]").last.fill(official)
    owner_discussion.locator("#id_official").check()
    owner_discussion.get_by_role("button", name=say(language, "Post comment")).click()
    pinned = owner.locator("section.pinned")
    expect(pinned).to_contain_text(official)
    expect(pinned).to_contain_text(say(language, "Official answer"))

    # The asker reacts without a reload and accepts the author's answer.
    asker.goto(f"/ideas/{idea.pk}/")
    bar = asker.locator(f"#reactions-{answer.pk}")
    bar.locator("details.react-picker summary").click()
    bar.get_by_title(str(say(language, "Love it"))).click()
    expect(
        asker.locator(f"#reactions-{answer.pk} > form button[aria-pressed=true]")
    ).to_contain_text("1")
    assert Reaction.objects.filter(comment=answer, user=world.supporter, kind="heart").exists()
    asker.locator(f"#comment-{answer.pk}").get_by_role(
        "button", name=say(language, "Mark as the answer")
    ).click()
    expect(asker.locator(f"#comment-{answer.pk}")).to_contain_text(say(language, "Accepted answer"))
    asked.refresh_from_db()
    assert asked.accepted_answer_id == answer.pk

    asker.screenshot(path=SCREENSHOT_DIR / f"discussion-{language}-desktop.png", full_page=True)
    phone = new_context(PHONE).new_page()
    phone.goto(f"/ideas/{idea.pk}/")
    expect(phone.locator("#discussion")).to_contain_text(reply)
    phone.screenshot(path=SCREENSHOT_DIR / f"discussion-{language}-phone.png", full_page=True)
    # A phone-width page has nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert problems.besides_favicon() == []
