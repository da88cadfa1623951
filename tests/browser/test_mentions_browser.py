"""@mentions in a real browser: a member types "@li" in an idea's comment box, the
autocomplete offers the matching members (names as text, never as HTML), the
arrow keys and Enter insert "@handle ", Escape closes the list, and the posted
comment links the mention; the mentioned member finds it in the notification
centre. Screenshots of the open list at desktop and phone widths."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from cocreate.accounts.models import User
from cocreate.dialogue.models import Comment
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea
from cocreate.notifications.models import Notification
from tests.browser.conftest import DESKTOP, PHONE, log_in_context, save_screenshot
from tests.challenges.helpers import make_challenge
from tests.factories import CommunityFactory, UserFactory, add_member

pytestmark = pytest.mark.browser

EVIL_NAME = "<img src=x onerror=alert(1)>"


@dataclass
class World:
    writer: User
    lily: User
    liam: User
    evil: User
    idea: Idea


@pytest.fixture
def world(live_server) -> World:
    """A public community with a challenge and an idea, and members whose handles
    start with "li" (and one whose display name is HTML)."""
    community = CommunityFactory(name="Harbour Makers", slug="harbour-makers")
    owner = UserFactory(display_name="Olga Owner")
    add_member(community, owner, "owner")
    writer = UserFactory(display_name="Wanda Writer", handle="wanda")
    lily = UserFactory(display_name="Lily Lin", handle="lily")
    liam = UserFactory(display_name="Liam Smith", handle="liam")
    evil = UserFactory(display_name=EVIL_NAME, handle="evil_img")
    outsider = UserFactory(display_name="Lina Elsewhere", handle="lina")  # not a member
    for person in (writer, lily, liam, evil):
        add_member(community, person)
    assert outsider.pk
    challenge = make_challenge(owner, community, title="Ride through the rain")
    idea = idea_actions.submit_idea(
        writer, challenge, title="Rain cape", body="A cape that clips to the handlebar."
    )
    return World(writer, lily, liam, evil, idea)


def open_idea(new_context, live_server, user: User, idea: Idea, viewport=None) -> Page:
    context = new_context(viewport)
    log_in_context(context, user, live_server.url)
    page = context.new_page()
    page.goto(f"/ideas/{idea.pk}/")
    return page


def comment_box(page: Page):
    return page.locator("#discussion textarea[name=body]").last


def menu(page: Page):
    return page.locator("ul.mention-menu[role=listbox]")


def type_mention(page: Page, text: str):
    box = comment_box(page)
    box.click()
    box.press_sequentially(text)
    return box


def test_autocomplete_inserts_the_handle_and_the_mention_reaches_the_member(
    new_context, live_server, problems, world
):
    page = open_idea(new_context, live_server, world.writer, world.idea)
    box = type_mention(page, "Could you check this, @li")

    listbox = menu(page)
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    # Handle-prefix matches by name; not the member of another community.
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_have_text("Liam Smith @liam")
    expect(options.nth(1)).to_have_text("Lily Lin @lily")
    expect(listbox).not_to_contain_text("Lina")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-expanded", "true")

    save_screenshot(page, "mention-menu")

    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    page.keyboard.press("Enter")
    expect(listbox).to_have_count(0)
    expect(box).to_have_value("Could you check this, @lily ")
    expect(box).to_be_focused()
    box.press_sequentially("please?")
    expect(box).to_have_value("Could you check this, @lily please?")

    page.locator("#discussion").get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(body="Could you check this, @lily please?")
    expect(page).to_have_url(re.compile(rf"/ideas/{world.idea.pk}/#comment-{comment.pk}$"))
    link = page.locator(f"#comment-{comment.pk} a.mention")
    expect(link).to_have_text("@lily")
    expect(link).to_have_attribute("href", f"/accounts/u/{world.lily.pk}/")

    # Lily finds the mention in her notification centre.
    assert Notification.objects.filter(user=world.lily, kind="mention").count() == 1
    lily = new_context().new_page()
    log_in_context(lily.context, world.lily, live_server.url)
    lily.goto("/notifications/")
    expect(lily.locator("main")).to_contain_text("Wanda Writer mentioned you in a comment on")
    expect(lily.locator("main")).to_contain_text("Rain cape")
    lily.locator("main").get_by_role("link", name=re.compile("mentioned you")).first.click()
    expect(lily).to_have_url(
        re.compile(rf"/ideas/{world.idea.pk}/(\?[^#]*)?#comment-{comment.pk}$")
    )
    assert problems.besides_favicon() == []


def test_clicking_an_option_inserts_it_too(new_context, live_server, problems, world):
    page = open_idea(new_context, live_server, world.writer, world.idea)
    box = type_mention(page, "@lia")
    option = menu(page).get_by_role("option")
    expect(option).to_have_count(1)
    option.click()
    expect(box).to_have_value("@liam ")
    expect(menu(page)).to_have_count(0)
    assert problems.besides_favicon() == []


def test_escape_closes_the_list_and_keeps_the_text(new_context, live_server, problems, world):
    page = open_idea(new_context, live_server, world.writer, world.idea)
    box = type_mention(page, "Hello @li")
    expect(menu(page).get_by_role("option")).to_have_count(2)
    page.keyboard.press("Escape")
    expect(menu(page)).to_have_count(0)
    expect(box).to_have_value("Hello @li")
    expect(box).to_have_attribute("aria-expanded", "false")
    # Enter now types a new line: nothing is chosen any more.
    page.keyboard.press("Enter")
    expect(box).to_have_value("Hello @li\n")
    assert problems.besides_favicon() == []


def test_a_display_name_with_html_is_shown_as_text(new_context, live_server, problems, world):
    dialogs: list[str] = []
    page = open_idea(new_context, live_server, world.writer, world.idea)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    type_mention(page, "@evil")
    option = menu(page).get_by_role("option")
    expect(option).to_have_count(1)
    expect(option).to_have_text(f"{EVIL_NAME} @evil_img")
    assert menu(page).locator("img").count() == 0
    assert page.locator("img[src=x]").count() == 0
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert dialogs == []
    page.keyboard.press("Enter")
    expect(comment_box(page)).to_have_value("@evil_img ")
    assert problems.besides_favicon() == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_open_list_fits_the_screen(new_context, live_server, problems, world, viewport):
    page = open_idea(new_context, live_server, world.writer, world.idea, viewport)
    type_mention(page, "@li")
    listbox = menu(page)
    expect(listbox.get_by_role("option")).to_have_count(2)
    listbox.scroll_into_view_if_needed()
    box = listbox.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    save_screenshot(page, "mention-menu-open")
    assert problems.besides_favicon() == []
