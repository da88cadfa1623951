"""The idea journey in a real browser, in English and in Chinese: a member writes an
idea and is shown a similar one while typing, a second member supports it (htmx),
the community's owner moves it to "under review" with a public reason, and the
author sees that decision on the idea's timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

# Imported here so scikit-learn (seconds to import) is loaded before the live server's
# first similar-ideas lookup: that server runs in a thread of this process.
import cocreate.ideas.similarity  # noqa: F401
from cocreate.accounts.models import User
from cocreate.challenges import actions as challenge_actions
from cocreate.challenges.models import Challenge, TermsVersion
from cocreate.communities import actions as community_actions
from cocreate.communities.models import Community, Membership
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea, StageChange, Support
from tests.browser.conftest import log_in_context
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Words:
    """What the people of one language write."""

    owner: str
    author: str
    supporter: str
    existing_title: str
    existing_body: str
    title: str
    body: str
    reason: str


WORDS = {
    "en": Words(
        owner="Olga Owner",
        author="Mia Member",
        supporter="Sven Supporter",
        existing_title="Longer mudguards for rainy commutes",
        existing_body="Mudguards that reach further down, so rain and road spray stay off legs.",
        title="Mudguards that keep trousers dry when it rains",
        body="When it rains my trousers get soaked on the way to work. Longer mudguards?",
        reason="Our design team tests three mudguard lengths this month.",
    ),
    "zh-hans": Words(
        owner="王欧嘉",
        author="米娅",
        supporter="陈思文",
        existing_title="雨天通勤用的加长挡泥板",
        existing_body="挡泥板再长一点，下雨骑车时泥水就不会溅到腿上。",
        title="下雨时不让裤子弄脏的挡泥板",
        body="下雨骑车上班，裤子总是被泥水弄湿。希望挡泥板能再长一点。",
        reason="设计团队本月测试三种长度的挡泥板。",
    ),
}


def say(language: str, text: str) -> str:
    """The interface's wording of `text` in `language`, from the compiled catalogue."""
    with translation.override(language):
        return translation.gettext(text)


@dataclass
class World:
    owner: User
    author: User
    supporter: User
    community: Community
    challenge: Challenge
    terms: TermsVersion
    existing: Idea


def build_world(language: str) -> World:
    """Everything through the actions: a site admin opens the community and makes
    Olga its owner; two confirmed members join; Olga publishes a challenge whose
    submission phase is running, with terms; one idea is already in."""
    words = WORDS[language]
    admin = UserFactory(display_name="Site Admin", is_staff=True)
    community = community_actions.create_community(
        admin,
        name="Harbour Makers",
        slug="harbour-makers",
        description="Makers of sturdy bikes and bags design the next products with us.",
    )
    owner = UserFactory(display_name=words.owner, email="olga@example.org", language=language)
    author = UserFactory(display_name=words.author, email="mia@example.org", language=language)
    supporter = UserFactory(
        display_name=words.supporter, email="sven@example.org", language=language
    )
    for person in (owner, author, supporter):
        community_actions.join(person, community)
    community_actions.change_role(
        admin, Membership.objects.get(community=community, user=owner), "owner"
    )

    challenge = challenge_actions.create_challenge(
        owner,
        community,
        title="Ride through the rain",
        brief="How should our city bikes keep riders dry?",
        what_we_need="Ideas for mudguards, racks and covers.",
    )
    now = timezone.now()
    challenge_actions.set_phases(
        owner,
        challenge,
        [
            {
                "kind": "submission",
                "starts_at": now - timedelta(days=1),
                "ends_at": now + timedelta(days=30),
            },
            {
                "kind": "support",
                "starts_at": now + timedelta(days=30),
                "ends_at": now + timedelta(days=60),
            },
            {"kind": "review", "starts_at": now + timedelta(days=60)},
        ],
    )
    terms = challenge_actions.publish_terms(
        owner, challenge, usage="We may build and sell products based on published ideas."
    )
    challenge = challenge_actions.publish_challenge(owner, challenge)
    existing = idea_actions.submit_idea(
        supporter,
        challenge,
        title=words.existing_title,
        body=words.existing_body,
        language=language,
        accept_terms=True,
    )
    return World(owner, author, supporter, community, challenge, terms, existing)


def person_page(new_context, live_server, user: User) -> Page:
    context = new_context()
    log_in_context(context, user, live_server.url)
    return context.new_page()


def expect_language(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute(
        "lang", "zh-Hans" if language == "zh-hans" else "en"
    )
    expect(page.locator("#main-nav")).to_contain_text(say(language, "Communities"))


# Strings the journey shows; in Chinese every one must come from the catalogue.
JOURNEY_STRINGS = [
    "Submit an idea",
    "Similar ideas",
    "I accept these terms",
    "Publish idea",
    "Support this idea",
    "You support this idea.",
    "Decide",
    "Change stage",
    "Gathering support",
    "Under review",
    "Timeline",
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_member_submits_with_similar_suggestion_another_supports_owner_reviews_author_sees_timeline(
    language, new_context, live_server, problems
):
    world = build_world(language)
    words = WORDS[language]

    # Member 1 opens the challenge from the community page and starts an idea.
    author = person_page(new_context, live_server, world.author)
    author.goto(f"/c/{world.community.slug}/")
    expect_language(author, language)
    author.locator("main").get_by_role("link", name="Ride through the rain").first.click()
    expect(author.get_by_role("heading", level=1)).to_have_text("Ride through the rain")
    author.get_by_role("link", name=say(language, "Submit an idea")).click()
    expect(author).to_have_url(re.compile(rf"/challenges/{world.challenge.pk}/ideas/new/$"))
    expect(author.get_by_role("heading", name=say(language, "Similar ideas"))).to_be_visible()
    similar = author.locator("#similar")
    expect(similar).not_to_contain_text(words.existing_title)

    # Typing shows the similar idea already in the challenge (htmx, on keyup).
    author.locator("#id_title").press_sequentially(words.title)
    author.locator("#id_body").press_sequentially(words.body)
    if language == "zh-hans":
        # Playwright enters characters that are not on the keyboard as text, without
        # key events; a person using a Chinese input method presses keys throughout
        # (and Shift toggles the input method), which is what the panel listens to.
        author.locator("#id_body").press("Shift")
    expect(similar.get_by_role("link", name=words.existing_title)).to_be_visible()
    expect(similar.get_by_role("link", name=words.existing_title)).to_have_attribute(
        "href", f"/ideas/{world.existing.pk}/"
    )
    expect(author.locator("#id_language")).to_have_value(language)
    author.locator("#accept_terms").check()
    author.get_by_role("button", name=say(language, "Publish idea")).click()

    expect(author).to_have_url(re.compile(r"/ideas/\d+/$"))
    idea = Idea.objects.get(challenge=world.challenge, title=words.title)
    assert author.url.endswith(f"/ideas/{idea.pk}/")
    assert idea.author == world.author
    assert idea.body == words.body
    assert idea.language == language
    assert idea.terms_version == world.terms
    assert idea.stage == "gathering_support"
    expect(author.get_by_role("heading", level=1)).to_have_text(words.title)
    expect(author.locator("#messages").first).to_contain_text(
        say(language, "Your idea is published. Share it to gather support!")
    )
    # Authors cannot back their own idea.
    expect(author.locator("#support-panel button[type=submit]")).to_have_count(0)

    # Member 2 supports it; htmx swaps the panel in place.
    supporter = person_page(new_context, live_server, world.supporter)
    supporter.goto(f"/ideas/{idea.pk}/")
    expect_language(supporter, language)
    panel = supporter.locator("#support-panel")
    expect(panel.locator(".support-count strong")).to_have_text("0")
    panel.get_by_role("button", name=say(language, "Support this idea")).click()
    expect(supporter.locator("#support-panel")).to_contain_text(
        say(language, "You support this idea.")
    )
    expect(supporter.locator("#support-panel .support-count strong")).to_have_text("1")
    expect(supporter).to_have_url(re.compile(rf"/ideas/{idea.pk}/$"))
    assert list(Support.objects.filter(idea=idea).values_list("user_id", flat=True)) == [
        world.supporter.pk
    ]
    idea.refresh_from_db()
    assert idea.support_count == 1

    # The owner moves it to "under review" with a public reason.
    owner = person_page(new_context, live_server, world.owner)
    owner.goto(f"/ideas/{idea.pk}/")
    decide = owner.locator("section[aria-labelledby=stage-h]")
    expect(decide.get_by_role("heading", level=2)).to_have_text(say(language, "Decide"))
    decide.locator("select[name=stage]").select_option("under_review")
    expect(decide.locator("select[name=stage] option:checked")).to_have_text(
        say(language, "Under review")
    )
    decide.locator("textarea[name=reason]").fill(words.reason)
    decide.get_by_role("button", name=say(language, "Change stage")).click()
    expect(owner.locator("#messages").first).to_contain_text(
        say(language, "Stage changed; the reason is public on the timeline.")
    )
    idea.refresh_from_db()
    assert idea.stage == "under_review"
    change = StageChange.objects.filter(idea=idea).latest("pk")
    assert (change.from_stage, change.to_stage) == ("gathering_support", "under_review")
    assert (change.actor, change.reason, change.automatic) == (world.owner, words.reason, False)

    # The author sees the decision, who made it and why, on the timeline.
    author.reload()
    timeline = author.locator("section[aria-labelledby=timeline-h]")
    expect(timeline.get_by_role("heading", level=2)).to_have_text(say(language, "Timeline"))
    steps = timeline.locator("ol.timeline > li")
    expect(steps).to_have_count(2)
    expect(steps.nth(0).locator(".stage")).to_have_text(say(language, "Gathering support"))
    expect(steps.nth(0)).to_contain_text(words.author)
    latest = steps.nth(1)
    expect(latest.locator(".stage")).to_have_text(
        [say(language, "Gathering support"), say(language, "Under review")]
    )
    expect(latest).to_contain_text(words.owner)
    expect(latest.locator("blockquote.reason")).to_have_text(words.reason)
    expect(author.locator(".page-header .meta .stage")).to_have_text(say(language, "Under review"))
    expect(author.locator("#support-panel .support-count strong")).to_have_text("1")
    # No longer collecting support: the supporter cannot withdraw any more.
    supporter.reload()
    expect(supporter.locator("#support-panel")).to_contain_text(
        say(language, "You support this idea.")
    )
    expect(supporter.locator("#support-panel form")).to_have_count(0)

    if language == "zh-hans":
        # Every string of the journey is really shown in Chinese.
        untranslated = [text for text in JOURNEY_STRINGS if say(language, text) == text]
        assert untranslated == [], f"shown in English on the Chinese pages: {untranslated}"
        expect(timeline.get_by_role("heading", level=2)).not_to_have_text("Timeline")
    assert problems.besides_favicon() == []


def test_similar_ideas_appear_when_the_text_arrives_without_key_presses(
    new_context, live_server, problems
):
    """Pasting from the context menu, autofill, dictation and handwriting input put
    text in the field without any key event: the panel must still look it up."""
    world = build_world("en")
    author = person_page(new_context, live_server, world.author)
    author.goto(f"/challenges/{world.challenge.pk}/ideas/new/")
    similar = author.locator("#similar")
    expect(similar).not_to_contain_text(WORDS["en"].existing_title)

    author.locator("#id_title").fill(WORDS["en"].title)  # what a paste does: input, no keyup

    # The panel waits 600 ms after the last change, then asks the server.
    expect(similar.get_by_role("link", name=WORDS["en"].existing_title)).to_be_visible(timeout=3000)
    assert problems.besides_favicon() == []


def test_message_after_publishing_is_shown_once_on_the_idea_page(
    new_context, live_server, problems
):
    world = build_world("en")
    author = person_page(new_context, live_server, world.author)
    author.goto(f"/challenges/{world.challenge.pk}/ideas/new/")
    author.locator("#id_title").fill("Reflective mudguard stripes")
    author.locator("#id_body").fill("Be seen in the rain: reflective stripes along the mudguard.")
    author.locator("#accept_terms").check()
    author.get_by_role("button", name="Publish idea").click()
    expect(author).to_have_url(re.compile(r"/ideas/\d+/$"))
    expect(author.get_by_role("heading", level=1)).to_have_text("Reflective mudguard stripes")

    notice = "Your idea is published. Share it to gather support!"
    expect(author.locator("#messages").first).to_contain_text(notice)
    # Once, at the top: not repeated inside the support panel (ids are unique).
    assert author.get_by_text(notice).count() == 1
    assert author.locator("[id=messages]").count() == 1
    assert problems.besides_favicon() == []


def test_idea_no_longer_collecting_support_shows_no_ladder_target_or_sign_in_to_support(
    page, live_server, problems
):
    world = build_world("en")
    idea_actions.change_stage(
        world.owner, world.existing, stage="under_review", reason="We are testing lengths."
    )

    page.goto(f"/ideas/{world.existing.pk}/")

    panel = page.locator("#support-panel")
    expect(panel.locator(".support-count")).to_contain_text("0")
    expect(page.locator(".page-header .meta .stage")).to_have_text("Under review")
    # A visitor who signed in could not support it, and its ladder deadline no longer applies.
    shown = panel.inner_text()
    assert [text for text in ("Sign in to support", "Next target") if text in shown] == []
    assert problems.besides_favicon() == []
