"""Browser tests: Playwright's sync API driving Debian's Chromium against
pytest-django's live server (a real threaded server on 127.0.0.1 with a
transactional test database, so on-commit consumers run and emails land in
django.core.mail.outbox).

One browser per session, one fresh context (cookies, storage) per test or per
person within a test. Every page opened through these fixtures records console
errors and uncaught page errors, so a test can assert there were none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# the test body between browser steps are ordinary blocking calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)

from cocreate.accounts.models import User

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@dataclass
class Problems:
    """Console errors and uncaught exceptions seen by every page of a test."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                source = message.location.get("url", "")
                self.items.append(f"console error on {page.url} ({source}): {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.items.append(f"page error on {page.url}: {exc}"))

    def besides_favicon(self) -> list[str]:
        """Everything but the browser's own /favicon.ico request (asserted on its
        own in test_javascript.py), for tests about something else."""
        return [item for item in self.items if "/favicon.ico)" not in item]


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
def new_context(browser, live_server, problems) -> Iterator[Callable[..., BrowserContext]]:
    """Make a fresh browser context on the live server; every page it opens is
    watched for console errors. Contexts are closed when the test ends."""
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int] | None = None) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or DESKTOP, locale="en-GB"
        )
        context.set_default_timeout(10_000)
        context.on("page", problems.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


# --- helpers -------------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the real form (field names, so it works in any language)."""
    page.goto("/accounts/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def sign_out(page: Page) -> None:
    page.locator("header form[action$='/accounts/logout/'] button").click()
    page.wait_for_load_state()


def log_in_context(context: BrowserContext, user: User, base_url: str) -> None:
    """A signed-in session without the log-in page: a real session row, cookie
    handed to the browser (for tests whose subject is not the log-in itself)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def set_language_cookie(context: BrowserContext, language: str, base_url: str) -> None:
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )


def link_in_mail(to: str, path_start: str, live_url: str) -> str:
    """The link starting with SITE_URL + path_start in the last email to `to`,
    pointed at the live server."""
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no email to {to}; outbox has {[m.to for m in mail.outbox]}"
    pattern = re.escape(settings.SITE_URL + path_start) + r"\S+"
    match = re.search(pattern, messages[-1].body)
    assert match, f"no {path_start} link in: {messages[-1].body}"
    site = urlsplit(settings.SITE_URL)
    return live_url + match.group(0)[len(f"{site.scheme}://{site.netloc}") :]


def has_no_horizontal_overflow(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOT_DIR / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- a small, realistic site ------------------------------------------------------------

QUESTION = "What would you like to make with us?"


@dataclass
class Site:
    owner: User
    staff: User
    moderator: User
    member: User
    applicant: User
    newcomer: User
    community: object
    other: object


@pytest.fixture
def site(live_server) -> Site:
    """A community taking applications (one pending), a second charter version, a
    circle, members in several roles, and a second, open community."""
    from cocreate.communities import actions
    from cocreate.communities.models import Role
    from tests.factories import UserFactory, add_member

    owner = UserFactory(display_name="Olga Owner", email="olga@example.org", is_staff=True)
    community = actions.create_community(
        owner,
        name="Harbour Makers",
        slug="harbour-makers",
        description="Makers of sturdy bags and bottles design the next products with us.",
        join_policy="application",
        application_questions=[QUESTION],
        mission="Design **useful things** together.",
        values="- Listen first\n- Explain every decision",
        rules="1. Ideas are public.\n2. Points follow the published rules.",
    )
    actions.edit_charter(
        owner,
        community,
        mission="Design **useful, repairable things** together.",
        values="- Listen first\n- Explain every decision\n- Credit every contributor",
        rules="1. Ideas are public.\n2. Points follow the published rules.",
        summary="Repairability and credit",
    )
    staff = UserFactory(display_name="Sam Staff")
    moderator = UserFactory(display_name="Mo Moderator")
    member = UserFactory(display_name="米娅 Mia", language="zh-hans")
    add_member(community, staff, Role.STAFF)
    add_member(community, moderator, Role.MODERATOR)
    add_member(community, member, Role.MEMBER)
    actions.create_circle(
        owner, community, name="Bottle circle", slug="bottle-circle", description="Bottles."
    )
    applicant = UserFactory(display_name="Ada Applicant")
    actions.apply(applicant, community, answers=["A bag that survives ten years of commuting."])
    newcomer = UserFactory(display_name="Nico Newcomer")
    other = actions.create_community(
        owner, name="Open Kitchen", slug="open-kitchen", description="Recipes, together."
    )
    community.refresh_from_db()
    return Site(owner, staff, moderator, member, applicant, newcomer, community, other)


# --- the pages worth looking at -------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    name: str  # file name stem under var/screenshots/
    who: str  # "anon", "anon_zh", "owner", "newcomer" or "member_zh" (reads Chinese)
    path: str
    create_token: bool = False  # submit the token form first: the token shows only then


SHOTS = [
    Shot("home-anon", "anon", "/"),
    Shot("home-anon-zh", "anon_zh", "/"),
    Shot("home", "owner", "/"),
    Shot("home-zh", "member_zh", "/"),
    Shot("community", "newcomer", "/c/harbour-makers/"),
    Shot("community-zh", "member_zh", "/c/harbour-makers/"),
    Shot("members", "anon", "/c/harbour-makers/members/"),
    Shot("charter-history", "anon", "/c/harbour-makers/charter/"),
    Shot("charter-version", "anon", "/c/harbour-makers/charter/2/"),
    Shot("apply", "newcomer", "/c/harbour-makers/apply/"),
    Shot("admin", "owner", "/c/harbour-makers/admin/"),
    Shot("settings", "owner", "/accounts/settings/"),
    Shot("tokens", "owner", "/accounts/settings/tokens/", create_token=True),
    Shot("signup", "anon", "/accounts/signup/"),
    Shot("login", "anon", "/accounts/login/"),
]


@pytest.fixture
def people_pages(new_context, live_server, site) -> dict[str, Page]:
    """One signed-in (or anonymous) page per kind of visitor in SHOTS."""
    users = {"owner": site.owner, "newcomer": site.newcomer, "member_zh": site.member}
    pages = {}
    for who in ("anon", "anon_zh", "owner", "newcomer", "member_zh"):
        context = new_context()
        if who in users:
            log_in_context(context, users[who], live_server.url)
        if who == "anon_zh":
            set_language_cookie(context, "zh-hans", live_server.url)
        pages[who] = context.new_page()
    return pages


def open_shot(page: Page, shot: Shot) -> Response | None:
    """Open the page of a shot; returns the response to the first GET."""
    response = page.goto(shot.path)
    if shot.create_token:
        form = page.locator("main form").filter(has=page.locator("input[name=name]"))
        form.locator("input[name=name]").fill("Reporting script")
        form.locator("button[type=submit]").click()
        page.locator("#new-token").wait_for()
    page.wait_for_load_state("load")
    return response
