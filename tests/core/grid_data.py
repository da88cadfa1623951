"""The permission grid: for every page route and API operation, how to call it in one
shared scenario and which roles may. tests/core/test_permission_grid.py runs every
row for every role and checks that the set of rows covers every route.

Roles (the acting user): anonymous; outsider (confirmed email, no membership);
member, moderator, staff and owner of the public community `pub`; site_staff
(is_staff, not a member of anything).
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.hashers import make_password
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cocreate.accounts import actions as account_actions
from cocreate.accounts.models import ApiToken, User
from cocreate.communities.models import (
    Application,
    CharterVersion,
    CircleStatus,
    Community,
    Invitation,
    JoinPolicy,
    Membership,
    Role,
    Visibility,
)
from tests.factories import PASSWORD

ROLES = ("anonymous", "outsider", "member", "moderator", "staff", "owner", "site_staff")
EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
SIGNED_IN = EVERYONE - {"anonymous"}
MEMBERS = frozenset({"member", "moderator", "staff", "owner"})
MANAGERS = frozenset({"staff", "owner", "site_staff"})  # manage pub: its owner/staff, site staff
OWNERS = frozenset({"owner", "site_staff"})  # owners of pub and site staff
NON_MEMBERS = frozenset({"outsider", "site_staff"})  # confirmed, signed in, not in pub
NEW_PASSWORD = "a-brand-new-long-secret-42"


@dataclass
class Scenario:
    role: str
    actor: User | None
    users: dict[str, User]
    pub: Community  # public, open; the role users' community; charter with 2 versions
    priv: Community  # private, by invitation; none of the role users belongs to it
    other: Community  # public, open; owned by someone else (applicant is a member)
    circle: Community  # active, open circle of pub (owned by staff2)
    proposed: Community  # circle of pub proposed by `proposer`, waiting for a decision
    staff2: User  # a second staff member of pub
    proposer: User  # a plain member of pub
    applicant: User  # has a pending application to pub
    newbie: User  # has not confirmed the email address yet
    application: Application  # applicant's pending application to pub
    invitation: Invitation  # usable invitation link to pub
    raw_token: str | None  # the actor's API token (sent as Bearer)
    spare_token: ApiToken | None  # a second token of the actor, to revoke
    foreign_token: ApiToken  # someone else's token
    own_application: Application | None = None  # set by the `own_application` setup
    # Challenges and ideas (tests/core/grid_ideas.py), built only for the rows that
    # need them (`Case.world`).
    world: Any = None

    @property
    def own_token_id(self) -> int:
        return (self.spare_token or self.foreign_token).pk

    def user(self, role: str) -> User:
        return self.users[role]


@functools.cache
def _password_hash() -> str:
    return make_password(PASSWORD)


def _users(*names: str, confirmed: bool = True) -> list[User]:
    now = timezone.now()
    return User.objects.bulk_create(
        User(
            email=f"{name.lower().replace(' ', '.')}@grid.example.org",
            display_name=name,
            password=_password_hash(),
            email_confirmed_at=now if confirmed else None,
        )
        for name in names
    )


def build_scenario(role: str, community: Community, users: dict[str, User]) -> Scenario:
    """The shared world every grid row runs in, acting as `role`."""
    return as_role(freeze(build_shared_scenario(community, users)), role)


def build_shared_scenario(community: Community, users: dict[str, User]) -> Scenario:
    """Everything of the scenario that does not depend on the acting role, built
    with bulk writes. tests/core/test_permission_grid.py builds it once per module
    (in a transaction rolled back at the end) and hands each cell `as_role(...)`."""
    pub = community
    staff2, proposer, applicant, priv_owner = _users(
        "Stan Second-Staff", "Pia Proposer", "Abe Applicant", "Pete Private"
    )
    (newbie,) = _users("Nina Newbie", confirmed=False)
    priv, other, circle, proposed = Community.objects.bulk_create(
        [
            Community(
                name="Private club",
                slug="private-club",
                visibility=Visibility.PRIVATE,
                join_policy=JoinPolicy.INVITATION,
                created_by=priv_owner,
                member_count=1,
            ),
            Community(
                name="Other brand", slug="other-brand", created_by=priv_owner, member_count=2
            ),
            Community(
                name="Riders circle", slug="riders", parent=pub, created_by=staff2, member_count=1
            ),
            Community(
                name="Makers circle",
                slug="makers",
                parent=pub,
                circle_status=CircleStatus.PROPOSED,
                created_by=proposer,
            ),
        ]
    )
    CharterVersion.objects.bulk_create(
        [
            CharterVersion(
                community=pub, number=2, mission="Make good things, together.", summary="Second"
            ),
            CharterVersion(community=priv, number=1, mission="Secret plans."),
            CharterVersion(community=other, number=1, mission="Other things."),
            CharterVersion(community=circle, number=1, mission="Ride."),
            CharterVersion(community=proposed, number=1, mission="Make."),
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(community=pub, user=staff2, role=Role.STAFF),
            Membership(community=pub, user=proposer, role=Role.MEMBER),
            Membership(community=priv, user=priv_owner, role=Role.OWNER),
            Membership(community=other, user=priv_owner, role=Role.OWNER),
            Membership(community=other, user=applicant, role=Role.MEMBER),
            Membership(community=circle, user=staff2, role=Role.OWNER),
        ]
    )
    Community.objects.filter(pk=pub.pk).update(member_count=F("member_count") + 2)
    application = Application.objects.create(community=pub, user=applicant, answers=[])
    invitation = Invitation.objects.create(
        community=pub,
        created_by=users["owner"],
        expires_at=timezone.now() + timedelta(days=7),
        max_uses=5,
    )

    foreign_token, _raw = account_actions.create_token(priv_owner, name="not yours")
    return Scenario(
        role="",
        actor=None,
        users=dict(users),
        pub=pub,
        priv=priv,
        other=other,
        circle=circle,
        proposed=proposed,
        staff2=staff2,
        proposer=proposer,
        applicant=applicant,
        newbie=newbie,
        application=application,
        invitation=invitation,
        raw_token=None,
        spare_token=None,
        foreign_token=foreign_token,
    )


def freeze(shared: Scenario) -> bytes:
    """The shared scenario pickled, for `as_role`."""
    return pickle.dumps(shared, pickle.HIGHEST_PROTOCOL)


def as_role(frozen: bytes, role: str) -> Scenario:
    """A fresh copy of the frozen shared scenario (setups and requests may change its
    Python objects; the database is rolled back after every cell, these must be too;
    unpickling is a deep copy, ten times faster than copy.deepcopy) acting as `role`,
    with the actor's two API tokens."""
    s: Scenario = pickle.loads(frozen)
    s.role = role
    s.actor = s.users.get(role)
    if s.actor is not None:
        _token, s.raw_token = account_actions.create_token(s.actor, name="grid")
        s.spare_token, _raw = account_actions.create_token(s.actor, name="spare")
    # A fresh last_used_at means authenticating with a token writes nothing, so the
    # before/after snapshot sees only what the request itself did.
    ApiToken.objects.update(last_used_at=timezone.now())
    return s


# --- setups run before the "before" snapshot --------------------------------------------


def by_application(s: Scenario) -> None:
    Community.objects.filter(pk=s.pub.pk).update(
        join_policy=JoinPolicy.APPLICATION, application_questions=["Why join?"]
    )
    s.pub.refresh_from_db()


def own_application(s: Scenario) -> None:
    """The actor has a pending application of their own (anonymous: none, so the
    row falls back to someone else's)."""
    if s.actor is not None:
        s.own_application = Application.objects.create(community=s.pub, user=s.actor)


def unconfirmed_actor(s: Scenario) -> None:
    if s.actor is not None:
        User.objects.filter(pk=s.actor.pk).update(email_confirmed_at=None)
        s.actor.email_confirmed_at = None


def _own_application_id(s: Scenario) -> int:
    return (s.own_application or s.application).pk


# --- the grid ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    key: str  # page route name, or "METHOD /api/v1/path" for an API operation
    method: str
    label: str
    url: Callable[[Scenario], str]
    allow: frozenset[str]
    data: Callable[[Scenario], Any] | None = None  # form fields, or the JSON body
    setup: Callable[[Scenario], None] | None = None
    # Roles that get a success status but for whom the request must change nothing.
    noop: frozenset[str] = NOBODY
    # A page whose success is a redirect to the log-in page (e.g. confirming an email
    # address while signed out).
    success_may_redirect_to_login: bool = False
    # The row needs the challenges and ideas of tests/core/grid_ideas.py.
    world: bool = False
    # An API row whose body is multipart form data (file uploads), not JSON: `data`
    # gives the fields, a fresh SimpleUploadedFile per file on every call.
    multipart: bool = False

    @property
    def api(self) -> bool:
        return self.key.startswith(("GET ", "POST ", "PATCH ", "PUT ", "DELETE "))

    @property
    def id(self) -> str:
        op = self.key if self.api else f"{self.method} {self.key}"
        return f"{op}|{self.label}"


def _query(s: Scenario, query: Callable[[Scenario], dict[str, Any]] | None) -> str:
    return "?" + urlencode(query(s)) if query else ""


def page(
    name: str,
    method: str,
    label: str,
    allow: frozenset[str],
    args: Callable[[Scenario], list[Any]] | None = None,
    query: Callable[[Scenario], dict[str, Any]] | None = None,
    **kwargs: Any,
) -> Case:
    def url(s: Scenario) -> str:
        return reverse(name, args=args(s) if args else []) + _query(s, query)

    return Case(key=name, method=method, label=label, url=url, allow=allow, **kwargs)


def api(
    method: str,
    path: str,
    label: str,
    allow: frozenset[str],
    params: Callable[[Scenario], dict[str, Any]] | None = None,
    body: Callable[[Scenario], Any] | None = None,
    query: Callable[[Scenario], dict[str, Any]] | None = None,
    **kwargs: Any,
) -> Case:
    def url(s: Scenario) -> str:
        return "/api/v1" + path.format(**(params(s) if params else {})) + _query(s, query)

    return Case(
        key=f"{method} /api/v1{path}",
        method=method,
        label=label,
        url=url,
        allow=allow,
        data=body,
        **kwargs,
    )


def _slug(attr: str) -> Callable[[Scenario], list[Any]]:
    return lambda s: [getattr(s, attr).slug]


def _slug_param(attr: str) -> Callable[[Scenario], dict[str, Any]]:
    return lambda s: {"slug": getattr(s, attr).slug}


def _login_email(s: Scenario) -> str:
    return (s.actor or s.user("outsider")).email


def _confirm_token(s: Scenario) -> list[Any]:
    return [account_actions.confirmation_token(s.newbie)]


def _reset_parts(s: Scenario) -> list[Any]:
    return list(account_actions.password_reset_link_parts(s.newbie))


PUB, PRIV, OTHER, CIRCLE, PROPOSED = (
    _slug("pub"),
    _slug("priv"),
    _slug("other"),
    _slug("circle"),
    _slug("proposed"),
)
SITE_STAFF = frozenset({"site_staff"})

PAGES: list[Case] = [
    # --- site ---------------------------------------------------------------------------
    page("home", "GET", "home", EVERYONE),
    page(
        "set_language",
        "POST",
        "switch to Chinese",
        EVERYONE,
        data=lambda s: {"language": "zh-hans"},
        noop=frozenset({"anonymous"}),  # only a cookie: nothing to store
    ),
    page("api:openapi-json", "GET", "schema", EVERYONE),
    page("api:openapi-view", "GET", "docs", EVERYONE),
    page("api:api-root", "GET", "no root", NOBODY),
    # --- accounts -----------------------------------------------------------------------
    page("accounts:signup", "GET", "form", EVERYONE),
    page(
        "accounts:signup",
        "POST",
        "new account",
        EVERYONE,
        data=lambda s: {
            "display_name": "Nora New",
            "email": "nora.new@example.org",
            "password": NEW_PASSWORD,
            "language": "en",
        },
        noop=SIGNED_IN,  # already signed in: sent home, no account made
    ),
    page("accounts:login", "GET", "form", EVERYONE),
    page(
        "accounts:login",
        "POST",
        "own credentials",
        EVERYONE,
        data=lambda s: {"email": _login_email(s), "password": PASSWORD},
    ),
    page("accounts:logout", "POST", "log out", EVERYONE, noop=frozenset({"anonymous"})),
    page(
        "accounts:resend_confirmation",
        "POST",
        "unconfirmed self",
        SIGNED_IN,
        setup=unconfirmed_actor,
    ),
    page("accounts:confirm", "GET", "shows a button", EVERYONE, args=_confirm_token),
    page(
        "accounts:confirm",
        "POST",
        "newbie's link",
        EVERYONE,
        args=_confirm_token,
        success_may_redirect_to_login=True,
    ),
    page("accounts:password_reset", "GET", "form", EVERYONE),
    page(
        "accounts:password_reset",
        "POST",
        "request",
        EVERYONE,
        data=lambda s: {"email": s.user("member").email},
    ),
    page("accounts:password_reset_confirm", "GET", "newbie's link", EVERYONE, args=_reset_parts),
    page(
        "accounts:password_reset_confirm",
        "POST",
        "newbie's link",
        EVERYONE,
        args=_reset_parts,
        data=lambda s: {"password": NEW_PASSWORD},
    ),
    page("accounts:settings", "GET", "own", SIGNED_IN),
    page(
        "accounts:settings",
        "POST",
        "own",
        SIGNED_IN,
        data=lambda s: {
            "display_name": "Renamed",
            "bio": "Hello",
            "languages": "English",
            "language": "en",
        },
    ),
    page(
        "accounts:change_password",
        "POST",
        "own",
        SIGNED_IN,
        data=lambda s: {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    ),
    page("accounts:tokens", "GET", "own", SIGNED_IN),
    page("accounts:tokens", "POST", "new token", SIGNED_IN, data=lambda s: {"name": "script"}),
    page(
        "accounts:revoke_token",
        "POST",
        "own token",
        SIGNED_IN,
        args=lambda s: [s.own_token_id],
    ),
    page(
        "accounts:revoke_token",
        "POST",
        "someone else's token",
        NOBODY,
        args=lambda s: [s.foreign_token.pk],
    ),
    page("accounts:profile", "GET", "a member", EVERYONE, args=lambda s: [s.user("member").pk]),
    # --- communities -------------------------------------------------------------------
    page("communities:directory", "GET", "directory", EVERYONE),
    page("communities:create", "GET", "form", SITE_STAFF),
    page(
        "communities:create",
        "POST",
        "new community",
        SITE_STAFF,
        data=lambda s: {
            "name": "Brand new",
            "slug": "brand-new",
            "visibility": "public",
            "join_policy": "open",
            "mission": "Build it.",
        },
    ),
    page("communities:invitation", "GET", "link", EVERYONE, args=lambda s: [s.invitation.code]),
    page(
        "communities:invitation",
        "POST",
        "accept",
        NON_MEMBERS,
        args=lambda s: [s.invitation.code],
    ),
    page(
        "communities:withdraw_application",
        "POST",
        "someone else's",
        NOBODY,
        args=lambda s: [s.application.pk],
    ),
    page(
        "communities:withdraw_application",
        "POST",
        "own",
        SIGNED_IN,
        args=lambda s: [_own_application_id(s)],
        setup=own_application,
    ),
    page("communities:detail", "GET", "public", EVERYONE, args=PUB),
    page("communities:detail", "GET", "private", SITE_STAFF, args=PRIV),
    page("communities:detail", "GET", "circle", EVERYONE, args=CIRCLE),
    page("communities:detail", "GET", "proposed circle", MANAGERS, args=PROPOSED),
    page("communities:edit", "GET", "public", MANAGERS, args=PUB),
    page("communities:edit", "GET", "another community", SITE_STAFF, args=OTHER),
    page("communities:edit", "GET", "circle of pub", MANAGERS, args=CIRCLE),
    page(
        "communities:edit",
        "POST",
        "public",
        MANAGERS,
        args=PUB,
        data=lambda s: {
            "name": "Renamed community",
            "description": "New words",
            "visibility": "public",
            "join_policy": "open",
            "application_questions": "",
        },
    ),
    page("communities:join", "POST", "public open", NON_MEMBERS, args=PUB),
    page("communities:join", "POST", "circle of pub", MEMBERS, args=CIRCLE),
    page("communities:join", "POST", "private", NOBODY, args=PRIV),
    page("communities:join", "POST", "proposed circle", NOBODY, args=PROPOSED),
    page(
        "communities:leave", "POST", "public", frozenset({"member", "moderator", "staff"}), args=PUB
    ),
    page("communities:apply", "GET", "by application", SIGNED_IN, args=PUB, setup=by_application),
    page(
        "communities:apply",
        "POST",
        "by application",
        NON_MEMBERS,
        args=PUB,
        setup=by_application,
        data=lambda s: {"answer_0": "Because."},
    ),
    page("communities:members", "GET", "public", EVERYONE, args=PUB),
    page("communities:members", "GET", "private", SITE_STAFF, args=PRIV),
    page("communities:charter_history", "GET", "public", EVERYONE, args=PUB),
    page("communities:charter_history", "GET", "private", SITE_STAFF, args=PRIV),
    page(
        "communities:charter_version", "GET", "public v2", EVERYONE, args=lambda s: [s.pub.slug, 2]
    ),
    page(
        "communities:charter_version",
        "GET",
        "private v1",
        SITE_STAFF,
        args=lambda s: [s.priv.slug, 1],
    ),
    page("communities:charter_edit", "GET", "public", MANAGERS, args=PUB),
    page(
        "communities:charter_edit",
        "POST",
        "public",
        MANAGERS,
        args=PUB,
        data=lambda s: {"mission": "A new mission.", "values": "", "rules": "", "summary": "x"},
    ),
    page("communities:circle_new", "GET", "public", MEMBERS | MANAGERS, args=PUB),
    page(
        "communities:circle_new",
        "POST",
        "create or propose",
        MEMBERS | MANAGERS,
        args=PUB,
        data=lambda s: {"name": "New circle", "slug": "new-circle", "description": ""},
    ),
    page(
        "communities:circle_decide",
        "POST",
        "approve",
        MANAGERS,
        args=PROPOSED,
        data=lambda s: {"approve": "1", "message": "Go"},
    ),
    page(
        "communities:circle_decide",
        "POST",
        "not a circle",
        NOBODY,
        args=PUB,
        data=lambda s: {"approve": "1", "message": "Go"},
    ),
    page("communities:admin", "GET", "public", MANAGERS, args=PUB),
    page("communities:admin", "GET", "private", SITE_STAFF, args=PRIV),
    page("communities:admin", "GET", "another community", SITE_STAFF, args=OTHER),
    page(
        "communities:decide_application",
        "POST",
        "accept",
        MANAGERS,
        args=lambda s: [s.pub.slug, s.application.pk],
        data=lambda s: {"accept": "1", "message": "Welcome"},
    ),
    page(
        "communities:change_role",
        "POST",
        "member to partner",
        MANAGERS,
        args=lambda s: [s.pub.slug, s.user("member").pk],
        data=lambda s: {"role": "partner"},
    ),
    page(
        "communities:change_role",
        "POST",
        "member to staff",
        OWNERS,
        args=lambda s: [s.pub.slug, s.user("member").pk],
        data=lambda s: {"role": "staff"},
    ),
    page(
        "communities:change_role",
        "POST",
        "staff to member",
        OWNERS,
        args=lambda s: [s.pub.slug, s.staff2.pk],
        data=lambda s: {"role": "member"},
    ),
    page(
        "communities:change_role",
        "POST",
        "in another community",
        SITE_STAFF,
        args=lambda s: [s.other.slug, s.applicant.pk],
        data=lambda s: {"role": "partner"},
    ),
    page(
        "communities:remove_member",
        "POST",
        "a member",
        MANAGERS,
        args=lambda s: [s.pub.slug, s.user("member").pk],
        data=lambda s: {"reason": "Spam"},
    ),
    page(
        "communities:remove_member",
        "POST",
        "a staff member",
        OWNERS,
        args=lambda s: [s.pub.slug, s.staff2.pk],
        data=lambda s: {"reason": "Spam"},
    ),
    page(
        "communities:create_invitation",
        "POST",
        "public",
        MANAGERS,
        args=PUB,
        data=lambda s: {"expires_in_days": "7", "max_uses": "1", "email": "", "note": ""},
    ),
    page(
        "communities:revoke_invitation",
        "POST",
        "public",
        MANAGERS,
        args=lambda s: [s.pub.slug, s.invitation.pk],
    ),
]

API: list[Case] = [
    # --- accounts -----------------------------------------------------------------------
    api(
        "POST",
        "/auth/token",
        "own credentials",
        EVERYONE,
        body=lambda s: {"email": _login_email(s), "password": PASSWORD},
    ),
    api("GET", "/auth/tokens", "own", SIGNED_IN),
    api("POST", "/auth/tokens", "own", SIGNED_IN, body=lambda s: {"name": "script"}),
    api(
        "DELETE",
        "/auth/tokens/{token_id}",
        "own token",
        SIGNED_IN,
        params=lambda s: {"token_id": s.own_token_id},
    ),
    api(
        "DELETE",
        "/auth/tokens/{token_id}",
        "someone else's token",
        NOBODY,
        params=lambda s: {"token_id": s.foreign_token.pk},
    ),
    api(
        "POST",
        "/auth/signup",
        "new account",
        EVERYONE,
        body=lambda s: {
            "email": "nora.new@example.org",
            "password": NEW_PASSWORD,
            "display_name": "Nora New",
        },
    ),
    api("GET", "/me", "own", SIGNED_IN),
    api("PATCH", "/me", "own", SIGNED_IN, body=lambda s: {"bio": "Hello"}),
    api(
        "GET",
        "/users/{user_id}",
        "a member",
        EVERYONE,
        params=lambda s: {"user_id": s.user("member").pk},
    ),
    # --- communities -------------------------------------------------------------------
    api("GET", "/communities", "list", EVERYONE),
    api(
        "POST",
        "/communities",
        "new community",
        SITE_STAFF,
        body=lambda s: {"name": "Brand new", "slug": "brand-new"},
    ),
    api("GET", "/communities/{slug}", "public", EVERYONE, params=_slug_param("pub")),
    api("GET", "/communities/{slug}", "private", SITE_STAFF, params=_slug_param("priv")),
    api("GET", "/communities/{slug}", "proposed circle", MANAGERS, params=_slug_param("proposed")),
    api(
        "PATCH",
        "/communities/{slug}",
        "public",
        MANAGERS,
        params=_slug_param("pub"),
        body=lambda s: {"description": "New words"},
    ),
    api(
        "PATCH",
        "/communities/{slug}",
        "private",
        SITE_STAFF,
        params=_slug_param("priv"),
        body=lambda s: {"description": "New words"},
    ),
    api(
        "PATCH",
        "/communities/{slug}",
        "another community",
        SITE_STAFF,
        params=_slug_param("other"),
        body=lambda s: {"description": "New words"},
    ),
    api(
        "PATCH",
        "/communities/{slug}",
        "circle of pub",
        MANAGERS,
        params=_slug_param("circle"),
        body=lambda s: {"description": "New words"},
    ),
    api("POST", "/communities/{slug}/join", "public open", NON_MEMBERS, params=_slug_param("pub")),
    api("POST", "/communities/{slug}/join", "circle of pub", MEMBERS, params=_slug_param("circle")),
    api("POST", "/communities/{slug}/join", "private", NOBODY, params=_slug_param("priv")),
    api(
        "POST",
        "/communities/{slug}/join",
        "proposed circle",
        NOBODY,
        params=_slug_param("proposed"),
    ),
    api(
        "POST",
        "/communities/{slug}/leave",
        "public",
        frozenset({"member", "moderator", "staff"}),
        params=_slug_param("pub"),
    ),
    api("GET", "/communities/{slug}/members", "public", EVERYONE, params=_slug_param("pub")),
    api("GET", "/communities/{slug}/members", "private", SITE_STAFF, params=_slug_param("priv")),
    api(
        "PATCH",
        "/communities/{slug}/members/{user_id}",
        "member to partner",
        MANAGERS,
        params=lambda s: {"slug": s.pub.slug, "user_id": s.user("member").pk},
        body=lambda s: {"role": "partner"},
    ),
    api(
        "PATCH",
        "/communities/{slug}/members/{user_id}",
        "member to staff",
        OWNERS,
        params=lambda s: {"slug": s.pub.slug, "user_id": s.user("member").pk},
        body=lambda s: {"role": "staff"},
    ),
    api(
        "PATCH",
        "/communities/{slug}/members/{user_id}",
        "staff to member",
        OWNERS,
        params=lambda s: {"slug": s.pub.slug, "user_id": s.staff2.pk},
        body=lambda s: {"role": "member"},
    ),
    api(
        "PATCH",
        "/communities/{slug}/members/{user_id}",
        "in another community",
        SITE_STAFF,
        params=lambda s: {"slug": s.other.slug, "user_id": s.applicant.pk},
        body=lambda s: {"role": "partner"},
    ),
    api(
        "POST",
        "/communities/{slug}/members/{user_id}/remove",
        "a member",
        MANAGERS,
        params=lambda s: {"slug": s.pub.slug, "user_id": s.user("member").pk},
        body=lambda s: {"reason": "Spam"},
    ),
    api(
        "POST",
        "/communities/{slug}/members/{user_id}/remove",
        "a staff member",
        OWNERS,
        params=lambda s: {"slug": s.pub.slug, "user_id": s.staff2.pk},
        body=lambda s: {"reason": "Spam"},
    ),
    api("GET", "/communities/{slug}/log", "public", MANAGERS, params=_slug_param("pub")),
    api(
        "GET",
        "/communities/{slug}/log",
        "another community",
        SITE_STAFF,
        params=_slug_param("other"),
    ),
    api(
        "GET",
        "/communities/{slug}/applications",
        "own or all",
        SIGNED_IN,
        params=_slug_param("pub"),
    ),
    api(
        "POST",
        "/communities/{slug}/applications",
        "by application",
        NON_MEMBERS,
        params=_slug_param("pub"),
        setup=by_application,
        body=lambda s: {"answers": ["Because."]},
    ),
    api(
        "POST",
        "/applications/{application_id}/decision",
        "accept",
        MANAGERS,
        params=lambda s: {"application_id": s.application.pk},
        body=lambda s: {"accept": True, "message": "Welcome"},
    ),
    api(
        "POST",
        "/applications/{application_id}/withdraw",
        "someone else's",
        NOBODY,
        params=lambda s: {"application_id": s.application.pk},
    ),
    api(
        "POST",
        "/applications/{application_id}/withdraw",
        "own",
        SIGNED_IN,
        params=lambda s: {"application_id": _own_application_id(s)},
        setup=own_application,
    ),
    api("GET", "/communities/{slug}/invitations", "public", MANAGERS, params=_slug_param("pub")),
    api(
        "POST",
        "/communities/{slug}/invitations",
        "public",
        MANAGERS,
        params=_slug_param("pub"),
        body=lambda s: {"expires_in_days": 7, "max_uses": 1},
    ),
    api(
        "POST",
        "/communities/{slug}/invitations",
        "private",
        SITE_STAFF,
        params=_slug_param("priv"),
        body=lambda s: {"expires_in_days": 7, "max_uses": 1},
    ),
    api(
        "DELETE",
        "/invitations/{invitation_id}",
        "public",
        MANAGERS,
        params=lambda s: {"invitation_id": s.invitation.pk},
    ),
    api(
        "POST",
        "/invitations/{code}/accept",
        "public",
        NON_MEMBERS,
        params=lambda s: {"code": s.invitation.code},
    ),
    api("GET", "/communities/{slug}/charter", "public", EVERYONE, params=_slug_param("pub")),
    api("GET", "/communities/{slug}/charter", "private", SITE_STAFF, params=_slug_param("priv")),
    api(
        "GET",
        "/communities/{slug}/charter/{number}",
        "public v2",
        EVERYONE,
        params=lambda s: {"slug": s.pub.slug, "number": 2},
    ),
    api(
        "GET",
        "/communities/{slug}/charter/{number}",
        "private v1",
        SITE_STAFF,
        params=lambda s: {"slug": s.priv.slug, "number": 1},
    ),
    api(
        "POST",
        "/communities/{slug}/charter",
        "public",
        MANAGERS,
        params=_slug_param("pub"),
        body=lambda s: {"mission": "A new mission."},
    ),
    api(
        "POST",
        "/communities/{slug}/charter",
        "another community",
        SITE_STAFF,
        params=_slug_param("other"),
        body=lambda s: {"mission": "A new mission."},
    ),
    api("GET", "/communities/{slug}/circles", "public", EVERYONE, params=_slug_param("pub")),
    api("GET", "/communities/{slug}/circles", "private", SITE_STAFF, params=_slug_param("priv")),
    api(
        "POST",
        "/communities/{slug}/circles",
        "create or propose",
        MEMBERS | MANAGERS,
        params=_slug_param("pub"),
        body=lambda s: {"name": "New circle", "slug": "new-circle"},
    ),
    api(
        "POST",
        "/communities/{slug}/decision",
        "approve",
        MANAGERS,
        params=_slug_param("proposed"),
        body=lambda s: {"approve": True, "message": "Go"},
    ),
    api(
        "POST",
        "/communities/{slug}/decision",
        "not a circle",
        NOBODY,
        params=_slug_param("pub"),
        body=lambda s: {"approve": True, "message": "Go"},
    ),
]

GRID: list[Case] = PAGES + API
