"""The whole newcomer journey in a real browser: sign up, confirm by email, sign in,
apply to a community, staff accepts (htmx), the member sees the community."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cocreate.accounts.models import User
from cocreate.communities import actions
from cocreate.communities.models import Application, Membership
from tests.browser.conftest import link_in_mail, sign_in, sign_out
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

QUESTION = "What would you like to make with us?"
EMAIL = "nora.newcomer@example.org"
NEW_PASSWORD = "tidal-lantern-47-orchard"


@pytest.fixture
def applying_community(live_server):
    owner = UserFactory(display_name="Olga Owner", email="olga@example.org", is_staff=True)
    community = actions.create_community(
        owner,
        name="Harbour Makers",
        slug="harbour-makers",
        description="Makers of sturdy bags design the next products with us.",
        join_policy="application",
        application_questions=[QUESTION],
        mission="Design useful things together.",
    )
    return owner, community


def test_newcomer_signs_up_confirms_applies_and_becomes_member_after_staff_accepts(
    new_context, live_server, applying_community, problems
):
    owner, community = applying_community
    newcomer = new_context().new_page()

    # Sign up.
    newcomer.goto("/")
    newcomer.get_by_role("link", name="Sign up").first.click()
    form = newcomer.locator("main form")
    form.get_by_label("Display name").fill("Nora Newcomer")
    form.get_by_label("Email").fill(EMAIL)
    form.get_by_label("Password").fill(NEW_PASSWORD)
    form.get_by_label("Language").select_option("en")
    form.get_by_role("button", name="Sign up").click()
    expect(newcomer.locator("#messages")).to_contain_text("We sent a confirmation link")
    user = User.objects.get(email=EMAIL)
    assert user.email_confirmed_at is None
    assert user.language == "en"

    # Confirm with the link from the email.
    newcomer.goto(link_in_mail(EMAIL, "/accounts/confirm/", live_server.url))
    newcomer.get_by_role("button", name="Confirm my email address").click()
    expect(newcomer.locator("#messages")).to_contain_text("your email address is confirmed")
    expect(newcomer.locator(".banner")).to_have_count(0)
    user.refresh_from_db()
    assert user.email_confirmed_at is not None

    # Sign out, sign in again.
    sign_out(newcomer)
    expect(newcomer.locator("header")).to_contain_text("Sign in")
    sign_in(newcomer, EMAIL, NEW_PASSWORD)
    expect(newcomer.locator("header .user-menu")).to_contain_text("Nora Newcomer")

    # Find the community and apply.
    newcomer.goto("/")
    newcomer.get_by_role("link", name="Harbour Makers").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Harbour Makers")
    newcomer.get_by_role("link", name="Apply to join").click()
    newcomer.get_by_label(QUESTION).fill("Bags that last ten years.")
    newcomer.get_by_role("button", name="Send application").click()
    expect(newcomer.locator("#join-panel")).to_contain_text("Application pending")
    application = Application.objects.get(community=community, user=user)
    assert application.status == "pending"
    assert application.answers == [{"question": QUESTION, "answer": "Bags that last ten years."}]

    # The owner accepts it on the Manage page; htmx swaps the row in place.
    staff = new_context().new_page()
    sign_in(staff, owner.email, PASSWORD)
    staff.goto(f"/c/{community.slug}/")
    staff.get_by_role("link", name="Manage").click()
    expect(staff).to_have_url(re.compile(rf"/c/{community.slug}/admin/$"))
    row = staff.locator(f"#application-{application.pk}")
    expect(row).to_contain_text("Nora Newcomer")
    expect(row).to_contain_text("Bags that last ten years.")
    row.get_by_label("Message to the applicant (optional)").fill("Welcome aboard, Nora!")
    row.get_by_role("button", name="Accept").click()
    row = staff.locator(f"#application-{application.pk}")
    expect(row.locator(".pill")).to_have_text("Accepted")
    expect(row).to_contain_text("Welcome aboard, Nora!")
    expect(row.get_by_role("button", name="Accept")).to_have_count(0)
    expect(staff).to_have_url(re.compile(rf"/c/{community.slug}/admin/$"))
    application.refresh_from_db()
    assert application.status == "accepted"
    assert application.decided_by == owner
    assert Membership.objects.filter(community=community, user=user, role="member").exists()

    # The new member sees it.
    newcomer.reload()
    panel = newcomer.locator("#join-panel")
    expect(panel).to_contain_text("You are a member")
    expect(panel.locator(".badge")).to_have_text("Member")
    newcomer.goto("/")
    mine = newcomer.locator("section[aria-labelledby=mine-h]")
    expect(mine.get_by_role("heading", level=1)).to_have_text("Your communities")
    expect(mine.get_by_role("link", name="Harbour Makers")).to_be_visible()
    expect(mine.locator(".badge")).to_have_text("Member")

    # And was told by email.
    decisions = [m for m in mail.outbox if m.to == [EMAIL] and "Harbour Makers" in m.subject]
    assert len(decisions) == 1
    assert decisions[0].subject == "Welcome to Harbour Makers"
    assert "has been accepted" in decisions[0].body
    assert "Welcome aboard, Nora!" in decisions[0].body
    assert problems.besides_favicon() == []
