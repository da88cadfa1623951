"""Screenshots of the challenge and idea pages at desktop and phone widths, saved
under var/screenshots/ for people to look at. At phone width nothing may scroll
sideways, and no page may log a console error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

# Imported here so scikit-learn (seconds to import) is loaded before the live server's
# first similar-ideas lookup: that server runs in a thread of this process.
import cocreate.ideas.similarity  # noqa: F401
from cocreate.accounts.models import User
from cocreate.challenges import actions as challenge_actions
from cocreate.challenges.models import Challenge
from cocreate.communities import actions as community_actions
from cocreate.communities.models import Membership
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    has_no_horizontal_overflow,
    log_in_context,
    save_screenshot,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PAY = "What would you pay for it (EUR)?"


@dataclass
class Showcase:
    people: dict[str, User]
    challenge: Challenge
    ideas: dict[str, Idea]


def build_showcase() -> Showcase:
    """A community with three challenges (one a draft) and a challenge full of ideas
    in English and Chinese: supports, tags, stage changes with reasons, an edit, a
    remix of a remix and a merged duplicate. All through the actions."""
    now = timezone.now()
    admin = UserFactory(display_name="Site Admin", is_staff=True)
    community = community_actions.create_community(
        admin,
        name="Harbour Makers",
        slug="harbour-makers",
        description="Makers of sturdy bikes and bags design the next products with us.",
    )
    people = {
        "owner": UserFactory(display_name="Olga Owner"),
        "staff": UserFactory(display_name="Sam Staff"),
        "mia": UserFactory(display_name="Mia Member"),
        "sven": UserFactory(display_name="Sven Supporter"),
        "ada": UserFactory(display_name="Ada Lovelace-Byron"),
        "li": UserFactory(display_name="李娜", language="zh-hans"),
        "chen": UserFactory(display_name="陈思文", language="zh-hans"),
    }
    for person in people.values():
        community_actions.join(person, community)
    for key, role in (("owner", "owner"), ("staff", "staff")):
        membership = Membership.objects.get(community=community, user=people[key])
        community_actions.change_role(admin, membership, role)
    owner = people["owner"]

    rain = challenge_actions.create_challenge(
        owner,
        community,
        title="Ride through the rain",
        brief="Our city bikes are ridden **every day, in every weather**. How should they "
        "keep riders dry without adding weight?",
        what_we_need="- Mudguards, racks and covers\n- Sketches or photos welcome",
        success_criteria="Works on all three frame sizes; adds less than 400 g.",
        supporter_questions=[PAY],
        response_days=30,
    )
    challenge_actions.set_phases(
        owner,
        rain,
        [
            {
                "kind": "submission",
                "starts_at": now - timedelta(days=3),
                "ends_at": now + timedelta(days=27),
            },
            {
                "kind": "support",
                "starts_at": now + timedelta(days=27),
                "ends_at": now + timedelta(days=57),
            },
            {
                "kind": "review",
                "starts_at": now + timedelta(days=57),
                "ends_at": now + timedelta(days=71),
            },
            {"kind": "decision", "starts_at": now + timedelta(days=71)},
        ],
    )
    challenge_actions.publish_terms(
        owner,
        rain,
        usage="We may build and sell products based on published ideas, crediting authors.",
        text="1. Ideas are public.\n2. Authors keep their rights; we get a free licence.",
    )
    challenge_actions.set_jury(
        owner,
        rain,
        [
            {"user_id": owner.pk, "role": "Head of design"},
            {"user_id": people["staff"].pk, "role": "Engineer"},
        ],
    )
    challenge_actions.set_prizes(
        owner,
        rain,
        [
            {
                "title": "Your design produced",
                "description": "With your name on the box.",
                "points": 500,
            },
            {"title": "A day in our workshop"},
        ],
    )
    challenge_actions.set_review_windows(
        owner,
        rain,
        [{"cutoff_at": now + timedelta(days=40), "review_at": now + timedelta(days=55)}],
    )
    challenge_actions.publish_challenge(owner, rain)

    naming = challenge_actions.create_challenge(
        owner,
        community,
        title="Name our new cargo bike",
        type="naming",
        brief="It carries two children or 80 kg of shopping. What should we call it?",
    )
    challenge_actions.set_phases(
        owner,
        naming,
        [
            {
                "kind": "submission",
                "starts_at": now - timedelta(days=40),
                "ends_at": now - timedelta(days=10),
            },
            {
                "kind": "support",
                "starts_at": now - timedelta(days=10),
                "ends_at": now + timedelta(days=20),
            },
        ],
    )
    challenge_actions.publish_challenge(owner, naming)
    challenge_actions.create_challenge(
        owner, community, title="Bottle cage redesign", brief="Still a draft: staff only."
    )

    def submit(
        author: str, title: str, body: str, tags: list[str], language: str = "en", parent=None
    ):
        return idea_actions.submit_idea(
            people[author],
            rain,
            title=title,
            body=body,
            tags=tags,
            language=language,
            accept_terms=True,
            parent=parent,
        )

    ideas = {
        "mudguards": submit(
            "sven",
            "Longer mudguards for rainy commutes",
            "Mudguards that reach further down, so rain and road spray stay off your legs.",
            ["mudguards", "rain"],
        ),
        "mudguards_zh": submit(
            "chen",
            "雨天通勤用的加长挡泥板",
            "挡泥板再长一点，下雨骑车时泥水就不会溅到腿上。",
            ["挡泥板", "雨天"],
            "zh-hans",
        ),
        "cover": submit(
            "mia",
            "A rain cover that folds into the saddle",
            "A thin cover lives under the saddle and unfolds over the basket when it rains.",
            ["cover", "rain"],
        ),
        "basket_zh": submit(
            "li",
            "车筐防雨罩",
            "给车筐做一个可以卷起来的防雨罩，下雨时书包不会湿。",
            ["防雨"],
            "zh-hans",
        ),
        "grips": submit(
            "ada",
            "Heated grips for winter mornings",
            "Cold hands make people leave the bike at home. Details: "
            "https://example.org/research/winter-cycling/hand-temperature-and-grip-comfort-study-2026.pdf",
            ["winter"],
        ),
        "rack": submit(
            "mia",
            "A quick-release rack for panniers that also works as a stand for the bike when parked",
            "Click the rack off when you do not need it.",
            ["rack", "panniers", "parking"],
        ),
        "colour_zh": submit(
            "chen",
            "挡泥板颜色可以自选吗？",
            "希望挡泥板有多种颜色可选，和车身搭配。",
            ["挡泥板", "颜色"],
            "zh-hans",
        ),
        "extenders": submit(
            "ada",
            "Clip-on mudguard extenders",
            "Rubber flaps that clip onto the mudguards we already sell.",
            ["mudguards"],
        ),
    }
    idea_actions.edit_idea(
        people["mia"],
        ideas["cover"],
        title="A rain cover that folds into the saddle",
        body="A thin, reflective cover lives under the saddle.\n\n"
        "When it rains it unfolds over the basket and clips to the handlebar.",
        tags=["cover", "rain", "saddle"],
    )
    ideas["remix"] = submit(
        "ada",
        "Saddle rain cover with reflective trim",
        "The folding saddle cover, with reflective trim so drivers see you in the rain.",
        ["cover", "safety"],
        parent=ideas["cover"],
    )
    ideas["remix_zh"] = submit(
        "li",
        "带反光条和小口袋的座垫防雨罩",
        "在反光座垫防雨罩上加一个放钥匙的小口袋。",
        ["防雨"],
        "zh-hans",
        parent=ideas["remix"],
    )

    supports = {
        "mudguards": ["mia", "ada", "li", "chen"],
        "mudguards_zh": ["sven", "li"],
        "cover": ["sven", "li", "chen"],
        "basket_zh": ["chen"],
        "grips": ["mia", "sven"],
        "extenders": ["sven", "chen"],
        "remix": ["mia"],
    }
    for key, names in supports.items():
        for index, name in enumerate(names):
            idea_actions.support(people[name], ideas[key], answers={PAY: str(15 + 10 * index)})

    staff = people["staff"]
    idea_actions.change_stage(
        owner,
        ideas["mudguards"],
        stage="under_review",
        reason="Many of you asked for this; our design team tests three lengths this month.",
    )
    idea_actions.change_stage(
        staff,
        ideas["basket_zh"],
        stage="declined",
        reason="防雨罩会挡住车灯，存在安全问题。We will look at lights first.",
    )
    idea_actions.change_stage(
        owner, ideas["grips"], stage="under_review", reason="Checking battery options."
    )
    idea_actions.change_stage(
        owner, ideas["grips"], stage="accepted", reason="Prototype ships with the winter line."
    )
    idea_actions.change_stage(
        staff,
        ideas["colour_zh"],
        stage="archived",
        reason="Colours are chosen per frame; see the FAQ.",
    )
    idea_actions.merge_ideas(
        owner,
        ideas["extenders"],
        ideas["mudguards"],
        reason="The same idea: longer mudguards. Ada is credited as a contributor.",
    )
    for idea in ideas.values():
        idea.refresh_from_db()
    return Showcase(people, rain, ideas)


@dataclass(frozen=True)
class Shot:
    name: str
    who: str  # a key of Showcase.people, or "anon"
    path: str
    heading: str
    typing: str = ""  # typed into the title field; the similar panel must show `shows`
    shows: str = ""


def shots(showcase: Showcase) -> list[Shot]:
    challenge = showcase.challenge.pk
    ideas = showcase.ideas
    return [
        Shot("idea-challenges", "owner", "/c/harbour-makers/challenges/", "Challenges"),
        Shot("idea-challenge", "sven", f"/challenges/{challenge}/", "Ride through the rain"),
        Shot("idea-challenge-zh", "li", f"/challenges/{challenge}/", "Ride through the rain"),
        Shot("idea-challenge-edit", "owner", f"/challenges/{challenge}/edit/", "Edit challenge"),
        Shot("idea-decisions", "anon", f"/challenges/{challenge}/decisions/", "Decision log"),
        Shot(
            "idea-new",
            "mia",
            f"/challenges/{challenge}/ideas/new/",
            "Submit an idea",
            typing="Mudguards that keep trousers dry when it rains",
            shows="Longer mudguards for rainy commutes",
        ),
        Shot(
            "idea-supporter",
            "sven",
            f"/ideas/{ideas['cover'].pk}/",
            "A rain cover that folds into the saddle",
        ),
        Shot(
            "idea-supporter-zh",
            "chen",
            f"/ideas/{ideas['cover'].pk}/",
            "A rain cover that folds into the saddle",
        ),
        Shot(
            "idea-staff",
            "owner",
            f"/ideas/{ideas['mudguards'].pk}/",
            "Longer mudguards for rainy commutes",
        ),
        Shot(
            "idea-accepted",
            "anon",
            f"/ideas/{ideas['grips'].pk}/",
            "Heated grips for winter mornings",
        ),
        Shot("idea-versions", "anon", f"/ideas/{ideas['cover'].pk}/versions/", "Versions"),
        Shot("idea-lineage", "anon", f"/ideas/{ideas['remix'].pk}/lineage/", "Lineage"),
    ]


def open_shot(page: Page, shot: Shot) -> None:
    response = page.goto(shot.path)
    assert response is not None and response.status == 200, (
        shot.path,
        response and response.status,
    )
    expect(page.locator("main#content")).to_be_visible()
    if shot.typing:
        page.locator("#id_title").press_sequentially(shot.typing)
        expect(page.locator("#similar").get_by_role("link", name=shot.shows)).to_be_visible()
    page.wait_for_load_state("load")


def test_challenge_and_idea_pages_are_screenshot_at_both_widths_without_sideways_scrolling(
    new_context, live_server, problems
):
    showcase = build_showcase()
    pages: dict[str, Page] = {}
    for who in ("anon", "owner", "sven", "mia", "li", "chen"):
        context = new_context()
        if who != "anon":
            log_in_context(context, showcase.people[who], live_server.url)
        pages[who] = context.new_page()

    overflowing = []
    saved = []
    for viewport in (DESKTOP, PHONE):
        for shot in shots(showcase):
            page = pages[shot.who]
            page.set_viewport_size(viewport)
            open_shot(page, shot)
            chinese = (
                showcase.people.get(shot.who) and showcase.people[shot.who].language == "zh-hans"
            )
            expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if chinese else "en")
            if not chinese:
                expect(page.get_by_role("heading", level=1)).to_have_text(shot.heading)
            saved.append(save_screenshot(page, shot.name))
            if viewport is PHONE and not has_no_horizontal_overflow(page):
                overflowing.append(
                    (shot.name, page.evaluate("document.documentElement.scrollWidth"))
                )

    # What each page must show to be worth looking at.
    staff_page = pages["owner"]
    expect(
        staff_page.locator("section[aria-labelledby=stage-h] select[name=stage]")
    ).to_be_visible()
    expect(staff_page.locator("form.merge-form")).to_be_visible()
    expect(staff_page.locator("section[aria-labelledby=merged-h]")).to_contain_text(
        "Clip-on mudguard extenders"
    )
    expect(staff_page.locator("section[aria-labelledby=answers-h]")).to_contain_text(PAY)

    assert overflowing == [], f"pages wider than {PHONE['width']} px: {overflowing}"
    for path in saved:
        with Image.open(path) as image:
            assert image.width in (DESKTOP["width"], PHONE["width"]), path
            assert image.height >= 300, path
    assert problems.besides_favicon() == []
