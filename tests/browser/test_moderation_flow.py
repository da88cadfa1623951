"""Issue 4's browser check: two members and a staff member hold a discussion, the
staff member answers officially, a member reports a comment, a moderator removes
it from the queue, and the notification count in the header updates without a
reload (htmx, when the window gets the focus back; also every minute)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cocreate.communities import actions as community_actions
from cocreate.communities.models import Membership
from cocreate.dialogue.models import Comment, ModerationEntry
from cocreate.ideas import actions as idea_actions
from tests.browser.conftest import PHONE, save_screenshot
from tests.browser.test_idea_flow import build_world, person_page, say
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "idea": ("Rain cape", "A cape that clips to the handlebar."),
        "question": "Will it fit over a backpack?",
        "rude": "Only an idiot would ride in the rain.",
        "official": "Yes: we will size it for a 20-litre backpack.",
        "reason": "Insults another member.",
    },
    "zh-hans": {
        "idea": ("雨披", "能夹在车把上的雨披。"),
        "question": "能罩住背包吗？",
        "rude": "只有傻子才会在雨里骑车。",
        "official": "可以：我们会按 20 升背包来设计尺寸。",
        "reason": "辱骂其他会员。",
    },
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_discussion_official_answer_report_removal_and_live_badge(
    language, new_context, live_server, problems
):
    words = WORDS[language]
    world = build_world(language)
    moderator = UserFactory(display_name="Mo Moderator", language=language)
    community_actions.join(moderator, world.community)
    community_actions.change_role(
        world.owner,
        Membership.objects.get(community=world.community, user=moderator),
        "moderator",
    )
    title, body = words["idea"]
    idea = idea_actions.submit_idea(
        world.author, world.challenge, title=title, body=body, language=language, accept_terms=True
    )

    # The author keeps the idea page open the whole time.
    author = person_page(new_context, live_server, world.author)
    author.goto(f"/ideas/{idea.pk}/")
    author.evaluate("window.__still_here = true")
    badge = author.locator("#notif-badge")
    expect(badge.locator(".notif-count")).to_have_count(0)

    # A member asks; another writes something rude; both through the page.
    supporter = person_page(new_context, live_server, world.supporter)
    supporter.goto(f"/ideas/{idea.pk}/")
    supporter.locator("#discussion textarea[name=body]").last.fill(words["question"])
    supporter.get_by_role("button", name=say(language, "Post comment")).click()
    question = Comment.objects.get(body=words["question"])
    writer = UserFactory(display_name="Rex Rude", language=language)
    community_actions.join(writer, world.community)
    rude_member = person_page(new_context, live_server, writer)
    rude_member.goto(f"/ideas/{idea.pk}/")
    rude_member.locator("#discussion textarea[name=body]").last.fill(words["rude"])
    rude_member.get_by_role("button", name=say(language, "Post comment")).click()
    rude = Comment.objects.get(body=words["rude"])

    # The owner (staff) answers the question officially.
    owner = person_page(new_context, live_server, world.owner)
    owner.goto(f"/ideas/{idea.pk}/")
    thread = owner.locator(f"#comment-{question.pk}")
    thread.locator("details.reply summary").click()
    thread.locator("textarea[name=body]").fill(words["official"])
    thread.locator("input[name=official]").check()
    thread.get_by_role("button", name=say(language, "Reply")).click()
    expect(owner.locator("section.pinned")).to_contain_text(words["official"])

    # The author's header learns of the three comments without a reload.
    author.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(badge.locator(".notif-count")).to_have_text("3")
    assert author.evaluate("window.__still_here") is True

    # The supporter reports the rude comment.
    supporter.goto(f"/ideas/{idea.pk}/")
    supporter.locator(f"#comment-{rude.pk}").get_by_role(
        "link", name=say(language, "Report")
    ).click()
    supporter.locator("input[name=reason][value=abuse]").check()
    supporter.locator("textarea[name=note]").fill(words["reason"])
    supporter.get_by_role("button", name=say(language, "Send report")).click()

    # A moderator removes it from the queue, with a reason.
    moderating = person_page(new_context, live_server, moderator)
    moderating.goto(f"/c/{world.community.slug}/moderation/")
    item = moderating.locator(".queue-item").filter(has_text=words["rude"])
    expect(item).to_contain_text(words["reason"])
    item.locator("textarea[name=reason]").fill(words["reason"])
    save_screenshot(moderating, f"moderation-queue-{language}")
    item.get_by_role("button", name=say(language, "Remove")).click()
    expect(moderating.locator(".queue-item").filter(has_text=words["rude"])).to_have_count(0)

    rude.refresh_from_db()
    assert rude.status == "removed"
    assert ModerationEntry.objects.filter(comment=rude, action="removed").exists()
    assert any(writer.email in m.to for m in mail.outbox)  # the writer is told

    # Everyone else now sees a placeholder, never the words.
    supporter.goto(f"/ideas/{idea.pk}/")
    expect(supporter.locator(f"#comment-{rude.pk}")).to_contain_text(
        say(language, "This comment was removed by moderators.")
    )
    expect(supporter.locator("main")).not_to_contain_text(words["rude"])
    supporter.set_viewport_size(PHONE)
    save_screenshot(supporter, f"moderation-after-{language}")
    expect(supporter).to_have_url(re.compile(rf"/ideas/{idea.pk}/"))
    assert problems.besides_favicon() == []
