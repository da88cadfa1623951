"""Browser-facing defences on every page: a strict Content-Security-Policy and the
other security headers, no caching of a signed-in member's pages, CSRF on every
page POST, and HTML that would still work under the CSP (no inline script, no
inline event handlers, no style attributes) - even with hostile member content."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from cocreate.accounts.models import ApiToken, User
from cocreate.communities import actions as community_actions
from cocreate.communities.models import Community, Membership, Role
from tests.factories import PASSWORD, UserFactory, add_member

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def site(site_staff) -> dict:
    """A community owned by a site-staff user, full of hostile member content, with
    a member, a pending application, a circle, a charter history and an invitation."""
    community = community_actions.create_community(
        site_staff,
        name="Riders " + HOSTILE,
        slug="riders",
        description="We ride. " + HOSTILE,
        join_policy="application",
        application_questions=["Why? " + HOSTILE],
        mission="**Ride** " + HOSTILE + " [x](javascript:alert(1))",
    )
    community_actions.edit_charter(
        site_staff, community, mission="Ride on " + HOSTILE, rules="1. " + HOSTILE
    )
    member = UserFactory(display_name="Mia " + HOSTILE[:40], bio=HOSTILE)
    add_member(community, member, Role.MEMBER)
    applicant = UserFactory(display_name="Abe " + HOSTILE[:40])
    community_actions.apply(applicant, community, answers=[HOSTILE])
    circle = community_actions.create_circle(
        site_staff, community, name="Night " + HOSTILE[:30], slug="night", description=HOSTILE
    )
    invitation = community_actions.create_invitation(site_staff, community, note=HOSTILE[:100])
    return {
        "owner": site_staff,
        "member": member,
        "community": community,
        "circle": circle,
        "invitation": invitation,
    }


def anonymous_pages(site: dict) -> list[str]:
    slug = site["community"].slug
    return [
        "/",
        "/communities/",
        f"/c/{slug}/",
        f"/c/{slug}/members/",
        f"/c/{slug}/charter/",
        f"/c/{slug}/charter/2/",
        f"/c/{site['circle'].slug}/",
        f"/u/{site['member'].pk}/",
        f"/invite/{site['invitation'].code}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
        "/no-such-page/",
    ]


def signed_in_pages(site: dict) -> list[str]:
    slug = site["community"].slug
    return [
        "/",
        "/communities/",
        "/communities/new/",
        f"/c/{slug}/",
        f"/c/{slug}/members/",
        f"/c/{slug}/charter/",
        f"/c/{slug}/charter/1/",
        f"/c/{slug}/charter/edit/",
        f"/c/{slug}/edit/",
        f"/c/{slug}/circles/new/",
        f"/c/{slug}/admin/",
        f"/u/{site['member'].pk}/",
        f"/invite/{site['invitation'].code}/",
        "/accounts/settings/",
        "/accounts/settings/tokens/",
        "/no-such-page/",
    ]


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    return directives


def assert_security_headers(response, url: str) -> None:
    directives = csp_directives(response)
    assert directives, f"{url}: no Content-Security-Policy"
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, url
    assert "'unsafe-inline'" not in script_src, url
    assert "'unsafe-eval'" not in script_src, url
    assert directives.get("frame-ancestors") == ["'none'"], url
    assert directives.get("object-src") == ["'none'"], url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy"), url
    assert response.headers.get("Cross-Origin-Opener-Policy"), url
    assert response.headers.get("X-Frame-Options") == "DENY", url


def assert_private(response, url: str) -> None:
    cache = {d.strip().split("=")[0] for d in response.headers.get("Cache-Control", "").split(",")}
    assert "no-store" in cache or {"no-cache", "private"} <= cache, f"{url}: {cache}"


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _value in attrs}
        values = dict(attrs)
        if tag == "script":
            if not values.get("src"):
                self.problems.append("inline <script> without src")
            self._in_inline_script = True
        for name in names:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style=...> (blocked by style-src 'self')")
        for name in ("href", "src", "action", "formaction"):
            value = (values.get(name) or "").strip().lower()
            if value.startswith(("javascript:", "data:text", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value[:30]}>")
        if tag in {"iframe", "object", "embed", "base"}:
            self.problems.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.problems.append("script element with inline code")


def scan_html(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def test_the_html_scanner_catches_what_it_looks_for():
    assert scan_html('<script src="/static/a.js"></script><p class="x">ok</p>') == []
    assert len(scan_html("<script>alert(1)</script>")) == 2
    assert scan_html('<a href="#" onclick="go()">x</a>') == ["<a onclick=...>"]
    assert scan_html('<div hx-on:click="go()"></div>') == ["<div hx-on:click=...>"]
    assert scan_html('<p style="color:red">x</p>') != []
    assert scan_html('<a href=" javascript:alert(1)">x</a>') != []


def test_anonymous_pages_carry_security_headers_and_clean_html(site):
    client = Client()
    for url in anonymous_pages(site):
        response = client.get(url)
        assert response.status_code in (200, 404), f"{url}: {response.status_code}"
        assert_security_headers(response, url)
        assert response["Content-Type"].startswith("text/html"), url
        assert scan_html(response.content.decode()) == [], url
        assert HOSTILE not in response.content.decode(), url


def test_signed_in_pages_carry_security_headers_no_store_and_clean_html(site):
    client = Client()
    client.force_login(site["owner"])
    for url in signed_in_pages(site):
        response = client.get(url)
        assert response.status_code in (200, 404), f"{url}: {response.status_code}"
        assert_security_headers(response, url)
        assert_private(response, url)
        html = response.content.decode()
        assert scan_html(html) == [], url
        assert HOSTILE not in html, url


def test_admin_page_shows_hostile_names_escaped(site):
    client = Client()
    client.force_login(site["owner"])
    html = client.get(f"/c/{site['community'].slug}/admin/").content.decode()
    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html


def test_apply_page_for_an_outsider_is_clean_and_private(site):
    client = Client()
    client.force_login(UserFactory())
    url = f"/c/{site['community'].slug}/apply/"
    response = client.get(url)
    assert response.status_code == 200
    assert_security_headers(response, url)
    assert_private(response, url)
    assert scan_html(response.content.decode()) == []


def test_forbidden_pages_and_redirects_carry_security_headers(site):
    client = Client()
    client.force_login(site["member"])
    for url in (f"/c/{site['community'].slug}/admin/", "/communities/new/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert_security_headers(response, url)
        assert_private(response, url)
        assert scan_html(response.content.decode()) == []
    redirect = Client().get("/accounts/settings/")
    assert redirect.status_code == 302
    assert_security_headers(redirect, "/accounts/settings/ (anonymous)")


def test_api_docs_page_keeps_scripts_strict(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_security_headers(response, "/api/v1/docs")


# --- CSRF ------------------------------------------------------------------------------


def csrf_client(user: User | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_profile_post_without_csrf_token_is_refused_and_changes_nothing(site):
    member = site["member"]
    before = member.display_name
    response = csrf_client(member).post(
        "/accounts/settings/", {"display_name": "Hijacked", "language": "zh-hans"}
    )
    assert response.status_code == 403
    assert_security_headers(response, "csrf failure")
    member.refresh_from_db()
    assert member.display_name == before
    assert member.language == "en"


def test_profile_post_with_csrf_token_works(site):
    """The control for the test above: the same POST with the token succeeds."""
    member = site["member"]
    client = csrf_client(member)
    client.get("/accounts/settings/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/settings/",
        {"display_name": "Mia Renamed", "language": "en", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Mia Renamed"


def test_join_without_csrf_token_is_refused_and_changes_nothing(site):
    community = site["community"]
    Community.objects.filter(pk=community.pk).update(join_policy="open")
    outsider = UserFactory()
    before = Community.objects.get(pk=community.pk).member_count
    response = csrf_client(outsider).post(f"/c/{community.slug}/join/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert not Membership.objects.filter(community=community, user=outsider).exists()
    assert Community.objects.get(pk=community.pk).member_count == before


def test_token_creation_without_csrf_token_is_refused_and_creates_nothing(site):
    member = site["member"]
    response = csrf_client(member).post("/accounts/settings/tokens/", {"name": "stolen"})
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=member).exists()


def test_role_change_without_csrf_token_is_refused_and_changes_nothing(site):
    community, member = site["community"], site["member"]
    url = f"/c/{community.slug}/admin/members/{member.pk}/role/"
    response = csrf_client(site["owner"]).post(url, {"role": "staff"})
    assert response.status_code == 403
    assert Membership.objects.get(community=community, user=member).role == Role.MEMBER


def test_logout_without_csrf_token_is_refused_and_keeps_the_session(site):
    client = csrf_client(site["member"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert client.get("/accounts/settings/").status_code == 200


def test_login_without_csrf_token_is_refused_and_signs_nobody_in(site):
    client = csrf_client(None)
    response = client.post(
        "/accounts/login/", {"email": site["member"].email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/settings/").status_code == 302


def test_language_switch_without_csrf_token_is_refused_and_changes_nothing(site):
    member = site["member"]
    response = csrf_client(member).post("/language/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.language == "en"
