"""The permission grid: every page route and API operation, called as each of the
seven roles. Allowed roles must succeed; everyone else must be refused (login
redirect, 401, 403 or 404, never a 500) with nothing changed in the database. A GET
never changes anything, whoever sends it. A route missing from the grid (see
tests/core/grid_data.py, tests/core/grid_ideas.py, tests/core/grid_dialogue.py,
tests/core/grid_updates.py, tests/core/grid_moderation.py,
tests/core/grid_notifications.py and tests/core/grid_webhooks.py) fails
`test_every_route_and_api_operation_is_in_the_grid`.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cocreate.accounts.models import ApiToken, User
from cocreate.challenges.models import (
    Challenge,
    JuryMember,
    Phase,
    Prize,
    ReviewWindow,
    TermsVersion,
)
from cocreate.communities.models import (
    Application,
    CharterVersion,
    Community,
    Invitation,
    Membership,
)
from cocreate.consensus.models import Conversation, Statement, Vote
from cocreate.core.api import api as ninja_api
from cocreate.dialogue.models import (
    Comment,
    CommentVersion,
    Flag,
    IdeaUpdate,
    ModerationEntry,
    Reaction,
)
from cocreate.ideas.models import (
    CoAuthor,
    CustomStage,
    Idea,
    IdeaImage,
    IdeaVersion,
    Merge,
    StageChange,
    Support,
    SupportLadder,
)
from cocreate.notifications.models import Follow, Notification, Preference
from cocreate.webhooks.models import Delivery, Endpoint
from tests.core.grid_consensus import CONSENSUS_GRID
from tests.core.grid_data import GRID as COMMUNITY_GRID
from tests.core.grid_data import (
    ROLES,
    Case,
    Scenario,
    as_role,
    build_shared_scenario,
    freeze,
)
from tests.core.grid_dialogue import DIALOGUE_GRID
from tests.core.grid_ideas import IDEA_GRID, build_world
from tests.core.grid_moderation import MODERATION_GRID
from tests.core.grid_notifications import NOTIFICATION_GRID
from tests.core.grid_updates import UPDATE_GRID
from tests.core.grid_webhooks import WEBHOOK_GRID
from tests.factories import CommunityFactory, UserFactory, add_member

GRID: list[Case] = (
    COMMUNITY_GRID
    + IDEA_GRID
    + DIALOGUE_GRID
    + UPDATE_GRID
    + MODERATION_GRID
    + NOTIFICATION_GRID
    + WEBHOOK_GRID
    + CONSENSUS_GRID
)

API_PREFIX = "api/v1/"
# Routes that are not the application's: uploaded files and static files served by
# Django itself, and Django's own admin if it is ever mounted.
SKIPPED_CALLBACK_MODULES = ("django.views.static", "django.contrib.staticfiles")
SKIPPED_NAMESPACES = ("admin",)

# Every model is counted; these are also compared row by row (through a hash).
HASHED_MODELS = [
    Conversation,
    Statement,
    Vote,
    Follow,
    Notification,
    Preference,
    Membership,
    Application,
    Invitation,
    CharterVersion,
    Community,
    User,
    ApiToken,
    Challenge,
    Phase,
    TermsVersion,
    JuryMember,
    Prize,
    ReviewWindow,
    Idea,
    IdeaVersion,
    IdeaImage,
    CoAuthor,
    Support,
    StageChange,
    SupportLadder,
    Merge,
    CustomStage,
    Comment,
    CommentVersion,
    Reaction,
    IdeaUpdate,
    Flag,
    ModerationEntry,
    Endpoint,
    Delivery,
]


# --- collecting routes ----------------------------------------------------------------


def _api_operations() -> set[str]:
    schema = ninja_api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name or "", entry


def _plain(route: str) -> str:
    """'api/v1/x/<int:id>' -> 'api/v1/x/<id>' so it compares with an OpenAPI path."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)


def collected_routes() -> set[str]:
    """Every page route (by name, or by pattern when unnamed), plus every API
    operation as 'METHOD /api/v1/path'. Routes under api/v1/ that are operations are
    covered through the OpenAPI schema; the other api/v1/ routes (schema, docs,
    root) are pages."""
    operations = _api_operations()
    operation_routes = {
        _plain(re.sub(r"\{(\w+)\}", r"<\1>", op.split(" ", 1)[1].lstrip("/"))) for op in operations
    }
    routes = set(operations)
    for route, name, pattern in _walk(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "") or ""
        if module.startswith(SKIPPED_CALLBACK_MODULES):
            continue
        if name.split(":", 1)[0] in SKIPPED_NAMESPACES:
            continue
        if route.startswith(API_PREFIX) and _plain(route) in operation_routes:
            continue
        routes.add(name or route)
    return routes


def test_every_route_and_api_operation_is_in_the_grid():
    routes = collected_routes()
    in_grid = {case.key for case in GRID}
    missing = sorted(routes - in_grid)
    stale = sorted(in_grid - routes)
    assert not missing, f"routes without a row in tests/core/grid_*.py: {missing}"
    assert not stale, f"grid rows for routes that no longer exist: {stale}"


def test_the_grid_sees_the_routes_it_must():
    """Guards the collector itself: a walk that found nothing would pass the test
    above with an empty grid."""
    routes = collected_routes()
    assert {"home", "communities:detail", "accounts:login", "api:openapi-json"} <= routes
    assert "POST /api/v1/communities/{slug}/join" in routes
    assert not any(r.startswith(("media", "^media")) for r in routes)
    # API operations are covered through the schema, not again as named page routes.
    assert not {"api:join", "api:me", "api:create_community"} & routes


# --- snapshot -------------------------------------------------------------------------


def snapshot() -> dict[str, str | int]:
    """Row counts of every model (one query) and a hash of the rows of the models a
    permission hole would touch (raw SQL: this runs twice per cell, so it has to be
    fast; an empty table needs no hash, its count says it all). Event and RateBucket
    are counted like everything else: no refused request in this grid logs in or hits
    a rate limit."""
    models = apps.get_models()
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
        state: dict[str, str | int] = {
            f"count {model._meta.label}": n for model, n in zip(models, row, strict=True)
        }
        for model in HASHED_MODELS:
            if not state[f"count {model._meta.label}"]:
                continue
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
            state[f"rows {model._meta.label}"] = hashlib.md5(
                repr(cursor.fetchall()).encode(), usedforsecurity=False
            ).hexdigest()
    return state


def changed(before: dict[str, str | int], after: dict[str, str | int]) -> list[str]:
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


# --- running one cell -------------------------------------------------------------------


def _begin() -> transaction.Atomic:
    """Enter an atomic block the way django.test.TestCase does (so the code under
    test may open durable blocks inside it)."""
    block = transaction.atomic()
    block._from_testcase = True  # type: ignore[attr-defined]
    block.__enter__()
    return block


def _roll_back(block: transaction.Atomic) -> None:
    transaction.set_rollback(True)
    block.__exit__(None, None, None)


class SharedWorld:
    """The scenario of tests/core/grid_data.py, and the world of
    tests/core/grid_ideas.py for the rows that need it (`Case.world`), built once per
    module on each worker instead of once per cell, and never committed: the
    scenario in a transaction rolled back when the module is done, the world in a
    savepoint on top of it, rolled back whenever a row without the world comes next.
    Every cell runs in a savepoint of its own (pytest-django's `db`, entered after
    these) rolled back after the cell, so each cell starts from exactly the same
    database; `as_role` gives it fresh copies of the Python objects."""

    def __init__(self) -> None:
        self._outer = _begin()
        community = CommunityFactory()
        users = {}
        # The people of tests/conftest.py's role fixtures, in the same order.
        for role, name in (
            ("owner", "Olga Owner"),
            ("staff", "Sam Staff"),
            ("moderator", "Mo Moderator"),
            ("member", "Mia Member"),
        ):
            users[role] = UserFactory(display_name=name)
            add_member(community, users[role], role)
        users["outsider"] = UserFactory(display_name="Otto Outsider")
        users["site_staff"] = UserFactory(display_name="Sita Site-Staff", is_staff=True)
        self.base = freeze(build_shared_scenario(community, users))
        self._world_block: transaction.Atomic | None = None
        self._with_world: bytes | None = None

    def scenario(self, world: bool) -> bytes:
        """The frozen shared scenario (see grid_data.as_role), with or without the
        world."""
        if world and self._with_world is None:
            self._world_block = _begin()
            s: Scenario = pickle.loads(self.base)
            s.world = build_world(s)
            self._with_world = freeze(s)
        elif not world and self._world_block is not None:
            _roll_back(self._world_block)
            self._world_block = self._with_world = None
        # Nothing else may be open: a cell's own savepoint must come after these.
        assert len(connection.atomic_blocks) == 1 + (self._world_block is not None)
        return self._with_world if world else self.base  # type: ignore[return-value]

    def close(self) -> None:
        if self._world_block is not None:
            _roll_back(self._world_block)
        _roll_back(self._outer)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        world = SharedWorld()
        try:
            yield world
        finally:
            world.close()


@pytest.fixture
def scenario(case: Case, shared_world: SharedWorld, request):
    """`scenario(role)`: the shared scenario (with the world when the row needs it)
    acting as `role`, inside the cell's own savepoint."""
    shared = shared_world.scenario(world=case.world)
    request.getfixturevalue("db")
    return lambda role: as_role(shared, role)


def client_for(case: Case, s: Scenario) -> Client:
    """API: the actor's Bearer token (none for anonymous). Pages: a session made by
    force_login before the snapshot; the test client skips CSRF checks."""
    if case.api:
        return Client(headers={"Authorization": f"Bearer {s.raw_token}"} if s.raw_token else {})
    client = Client()
    if s.actor is not None:
        client.force_login(s.actor)
    return client


def send(client: Client, case: Case, s: Scenario) -> Any:
    url = case.url(s)
    data = case.data(s) if case.data else None
    if case.method == "GET":
        return client.get(url)
    if case.api and case.multipart:
        # The test client encodes a dict with files as multipart/form-data.
        assert case.method == "POST", case.id
        return client.post(url, data or {})
    if case.api:
        body = json.dumps(data) if data is not None else ""
        return client.generic(case.method, url, body, content_type="application/json")
    return client.post(url, data or {})


def _redirects_to_login(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def describe(response: Any) -> str:
    location = f" -> {response['Location']}" if response.has_header("Location") else ""
    body = response.content[:300].decode(errors="replace") if response.status_code >= 400 else ""
    return f"{response.status_code}{location} {body}".strip()


CELLS = [pytest.param(case, role, id=f"{case.id}|{role}") for case in GRID for role in ROLES]


# `db` is entered by `scenario` (after the shared world); naming it here too tells
# pytest-django this test needs the database.
@pytest.mark.parametrize(("case", "role"), CELLS)
def test_permission_grid(case: Case, role: str, scenario, db):
    s = scenario(role)
    if case.setup:
        case.setup(s)
    client = client_for(case, s)
    before = snapshot()
    response = send(client, case, s)
    after = snapshot()
    status = response.status_code
    what = f"{case.id} as {role}: {describe(response)}"
    assert status < 500, what

    if role in case.allow:
        if case.api:
            assert 200 <= status < 300, f"allowed but refused: {what}"
        else:
            ok = 200 <= status < 300 or (
                status == 302
                and (case.success_may_redirect_to_login or not _redirects_to_login(response))
            )
            assert ok, f"allowed but refused: {what}"
        if case.method == "GET" or role in case.noop:
            assert not changed(before, after), f"changed {changed(before, after)}: {what}"
        else:
            # A success status on a write that did nothing is a form re-rendered with
            # errors, or a permission check that quietly skipped the work.
            assert changed(before, after), f"allowed, but nothing was written: {what}"
        return

    assert not changed(before, after), f"refused but changed {changed(before, after)}: {what}"
    refused = {401, 403, 404}
    if case.api:
        assert status in refused, f"should be refused with 401/403/404: {what}"
        assert "error" in response.json(), what
    elif role == "anonymous":
        assert status in refused or _redirects_to_login(response), (
            f"should be refused or sent to log in: {what}"
        )
    else:
        assert status in refused, f"should be refused with 403/404: {what}"
