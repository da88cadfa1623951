"""The API contract: schemathesis generates requests for every operation of
/api/v1/openapi.json (the schema's examples, boundary and invalid values from its
coverage phase, and random valid and invalid requests), sends them to the WSGI
application, and checks that no response is a 5xx and that every response is
documented, has the documented content type and matches its schema.

Each operation runs twice: anonymously, and with the API token of a site-staff
user who owns a seeded community. Half of the generated requests get the path
parameters of real seeded objects (the community, a member, a pending application,
an invitation, the token, an idea and one of its pictures, a comment and a
reaction to it, an update, a hidden idea and comment, a mute to lift, a webhook
endpoint and a finished delivery ...) so that the authenticated paths - edits,
decisions, role changes, removals, sanctions - run for real. Every request runs
inside a savepoint that is rolled back afterwards, so one example cannot change
what the next one sees (a revoked token or a removed member does not leak)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cocreate.accounts.actions import create_token
from cocreate.challenges import actions as challenge_actions
from cocreate.communities import actions as community_actions
from cocreate.communities.models import Membership, Role
from cocreate.core.api import api
from cocreate.dialogue import actions as dialogue_actions
from cocreate.dialogue import moderation, updates
from cocreate.dialogue.models import Comment
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea
from cocreate.notifications import actions as notification_actions
from cocreate.webhooks import actions as webhook_actions
from cocreate.webhooks.models import Delivery, DeliveryStatus
from cocreate.wsgi import application
from tests.accounts.conftest import image_bytes
from tests.factories import UserFactory, add_member

SCHEMA_URL = "/api/v1/openapi.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

SCHEMA_DICT = api.get_openapi_schema()
SCHEMA = schemathesis.openapi.from_dict(SCHEMA_DICT)
SCHEMA.app = application
_LOADED = list(SCHEMA.get_all_operations())
OPERATIONS = [r.ok().label for r in _LOADED if isinstance(r, Ok)]
INVALID = [str(r.err()) for r in _LOADED if isinstance(r, Err)]


def _integer_query_parameters(*, unbounded: bool) -> list[tuple[str, str, str]]:
    """(method, path, name) of every integer query parameter (only those without a
    maximum when `unbounded`)."""
    found = []
    for path, operations in SCHEMA_DICT["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                options = schema.get("anyOf", [schema])
                if parameter["in"] == "query" and any(
                    o.get("type") == "integer" and not (unbounded and "maximum" in o)
                    for o in options
                ):
                    found.append((method.upper(), path, parameter["name"]))
    return found


INTEGER_QUERY = _integer_query_parameters(unbounded=False)


@dataclass
class World:
    token: str
    path_parameters: list[dict[str, Any]]


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """Call the real WSGI application inside the test's transaction: like Django's
    test client, keep the request signals from closing the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def build_world() -> World:
    """A community owned by a site-staff user, with members of several roles, an
    active and a proposed circle, a second charter version, a pending application,
    an invitation, ideas with pictures (one of them the site-staff user's own, so
    editing its pictures succeeds), comments (the site-staff user's own, edited once,
    with a member's reply; a member's comment on the challenge itself), the site-staff
    user's reactions to the first two, updates (the site-staff user's own, with a
    member's comment, and the member's), moderation (an open report, a hidden idea
    with a hidden comment and an update, a restored comment, the member muted for a
    week), and an API token."""
    boss = UserFactory(display_name="Sita Site-Staff", is_staff=True)
    community = community_actions.create_community(
        boss,
        name="Contract Riders",
        slug="contract-riders",
        description="Seeded for the API contract test.",
        join_policy="application",
        application_questions=["Why do you ride?"],
        mission="Ride **together**.",
    )
    community_actions.edit_charter(
        boss, community, mission="Ride together, 一起骑行。", rules="1. Be kind.", summary="v2"
    )
    member = UserFactory(display_name="Mia Member")
    add_member(community, member, Role.MEMBER)
    moderator = UserFactory(display_name="Mo Moderator")
    add_member(community, moderator, Role.MODERATOR)
    applicant = UserFactory(display_name="Abe Applicant")
    pending = community_actions.apply(applicant, community, answers=["To meet people."])
    invitation = community_actions.create_invitation(boss, community, max_uses=5, note="friends")
    circle = community_actions.create_circle(
        boss, community, name="Night Riders", slug="contract-night", description="After dark."
    )
    proposed = community_actions.propose_circle(
        member, community, name="Cargo", slug="contract-cargo", description="Kids and groceries."
    )
    challenge = challenge_actions.create_challenge(
        boss,
        community,
        title="Lighter locks",
        brief="What would make locking easier?",
        supporter_questions=["What would you pay?"],
        response_days=30,
    )
    now = timezone.now()
    challenge_actions.set_phases(
        boss,
        challenge,
        [
            {
                "kind": "submission",
                "starts_at": now - timedelta(days=1),
                "ends_at": now + timedelta(days=30),
            },
            {"kind": "review", "starts_at": now + timedelta(days=30)},
        ],
    )
    challenge_actions.publish_terms(boss, challenge, usage="We may build it.")
    challenge_actions.publish_challenge(boss, challenge)
    draft = challenge_actions.create_challenge(boss, community, title="Draft")

    def picture() -> SimpleUploadedFile:
        return SimpleUploadedFile("lock.png", image_bytes("PNG"), "image/png")

    idea = idea_actions.submit_idea(
        member,
        challenge,
        title="Fold-out lock",
        body="A lock that folds.",
        accept_terms=True,
        images=[picture()],
    )
    own_idea = idea_actions.submit_idea(
        boss,
        challenge,
        title="Lock with a light",
        body="Find the keyhole at night.",
        accept_terms=True,
        images=[picture()],
    )
    idea_actions.support(moderator, idea, answers={"What would you pay?": "30"})
    remix = idea_actions.submit_idea(
        moderator,
        challenge,
        title="Fold-out lock 2",
        body="Lighter.",
        accept_terms=True,
        parent=idea,
    )
    idea_actions.define_stage(
        boss, community, key="pilot", name="Pilot", follows=["accepted"], leads_to=["delivered"]
    )
    duplicate = idea_actions.submit_idea(
        member, challenge, title="Folding lock", body="A lock that folds.", accept_terms=True
    )
    merge = idea_actions.merge_ideas(boss, duplicate, idea, reason="Same idea.")
    question = dialogue_actions.post_comment(boss, idea, body="Does it fit **a fat tyre**?")
    dialogue_actions.edit_comment(boss, question, body="Does it fit a fat tyre? 胖胎？")
    reply = dialogue_actions.post_comment(member, idea, body="Yes, up to 4 in.", parent=question)
    on_challenge = dialogue_actions.post_comment(member, challenge, body="Any budget?")
    dialogue_actions.react(boss, question, "heart")
    dialogue_actions.react(boss, reply, "thumbs_up")
    # Updates: the site-staff user's own on their idea (with a member's comment), and
    # the member's on theirs (the site-staff user may only remove it, with a reason).
    own_update = updates.post_update(
        boss, own_idea, title="Prototype ready", body="Lights up at night. 夜里亮。"
    )
    dialogue_actions.post_comment(member, own_update, body="Where can I try it?")
    member_update = updates.post_update(member, idea, title="New hinge", body="It folds flatter.")
    # Moderation: the moderator reports the member's reply (open in the queue), the
    # member's duplicate and a comment on it are hidden pending review, the member
    # is muted for a week (a mute to lift) and the audit log has entries.
    moderation.flag(moderator, reply, reason="off_topic", note="Not about locks.")
    hidden = idea_actions.submit_idea(
        member, challenge, title="Cheap locks", body="At example.com.", accept_terms=True
    )
    hidden_comment = dialogue_actions.post_comment(moderator, hidden, body="Spam?")
    hidden_update = updates.post_update(member, hidden, title="Sale", body="Even cheaper.")
    Idea.objects.filter(pk=hidden.pk).update(moderation="hidden")
    Comment.objects.filter(pk=hidden_comment.pk).update(status="hidden")
    moderation.flag(moderator, on_challenge, reason="spam")
    moderation.decide(boss, on_challenge, decision="restore", reason="Fine.")
    moderation.sanction(
        moderator,
        Membership.objects.get(community=community, user=member),
        kind="mute",
        days=7,
        reason="Links to a shop.",
    )
    token, raw = create_token(boss, name="contract")
    follow = notification_actions.follow(boss, idea=idea)
    # Webhooks (a refused loopback port: nothing is sent inside the test's
    # transaction): the community's endpoint with a finished (failed) test delivery
    # to redeliver, and the circle's, turned off, with a pending one (409).
    hook = webhook_actions.create_endpoint(
        boss, community, url="http://127.0.0.1:9/hook", kinds=["idea.submitted"]
    )
    finished = webhook_actions.send_test(boss, hook)
    Delivery.objects.filter(pk=finished.pk).update(
        status=DeliveryStatus.FAILED, attempts=13, response_status=500, error="HTTP 500"
    )
    circle_hook = webhook_actions.create_endpoint(
        boss, circle, url="http://127.0.0.1:9/night", kinds=["comment.posted"]
    )
    waiting = webhook_actions.send_test(boss, circle_hook)
    webhook_actions.update_endpoint(boss, circle_hook, active=False)
    # Conversations: an open one with a pending statement, and a closed one
    # (votes there are a 403).
    from cocreate.consensus import actions as consensus_actions

    talk = consensus_actions.create_conversation(
        boss,
        community,
        title="Where should the lock go?",
        statements=["On the frame.", "On the rack."],
        moderation="pre",
    )
    waiting_statement = consensus_actions.add_statement(member, talk, body="In the bag.")
    closed_talk = consensus_actions.create_conversation(
        boss, community, title="Old question", statements=["Yes.", "No."]
    )
    consensus_actions.edit_conversation(boss, closed_talk, status="closed")
    base = {
        "follow_id": follow.pk,
        "key": "pilot",
        "merge_id": merge.pk,
        "challenge_id": challenge.pk,
        "idea_id": idea.pk,
        "image_id": idea.images.get().pk,
        # The site-staff user's own comment, and the reaction they gave it.
        "comment_id": question.pk,
        "kind": "heart",
        # The site-staff user's own update (with a member's comment).
        "update_id": own_update.pk,
        # DELETE .../sanction/{kind}: the member's mute, lifted (see test_api).
        "sanction": "mute",
        "slug": community.slug,
        "user_id": member.pk,
        "application_id": pending.pk,
        "invitation_id": invitation.pk,
        "code": invitation.code,
        "token_id": token.pk,
        "number": 2,
        "endpoint_id": hook.pk,
        "delivery_id": str(finished.pk),
        "conversation_id": talk.pk,
        "statement_id": talk.statements.order_by("pk").first().pk,
    }
    return World(
        token=raw,
        path_parameters=[
            base,
            {
                **base,
                "slug": proposed.slug,
                "user_id": moderator.pk,
                "number": 1,
                "challenge_id": draft.pk,
                "idea_id": remix.pk,
                # A member's reply to the site-staff user (who may accept it).
                "comment_id": reply.pk,
                "kind": "thumbs_up",
                # The member's update: the site-staff user removes it as a moderator.
                "update_id": member_update.pk,
                # The moderator is not banned: nothing to lift (409).
                "sanction": "ban",
                # A turned-off endpoint: no tests or redeliveries (409).
                "endpoint_id": circle_hook.pk,
                "delivery_id": str(waiting.pk),
                "conversation_id": closed_talk.pk,
                "statement_id": waiting_statement.pk,
            },
            {
                **base,
                "slug": circle.slug,
                "user_id": boss.pk,
                "number": 1,
                "idea_id": own_idea.pk,
                "image_id": own_idea.images.get().pk,
                # Not reacted to by the site-staff user: taking it back is a 404.
                "comment_id": on_challenge.pk,
                "kind": "idea",
                # Sanctioning oneself: 403.
                "sanction": "mute",
                # Another endpoint's delivery: 404.
                "delivery_id": str(waiting.pk),
            },
            {
                **base,
                # Hidden content: the site-staff user moderates it.
                "idea_id": hidden.pk,
                "comment_id": hidden_comment.pk,
                "update_id": hidden_update.pk,
                "user_id": moderator.pk,
                "sanction": "mute",
            },
        ],
    )


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world of `build_world`, built once per module (on each xdist worker)
    instead of once per test, and never committed: in a transaction rolled back when
    the module is done."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        # Like django.test.TestCase's own blocks: durable blocks may open inside it.
        block._from_testcase = True  # type: ignore[attr-defined]
        block.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def world(shared_world: World, db) -> World:
    """The shared world, for a test running in a savepoint of its own on top of it
    (pytest-django's `db`, entered after the module's transaction) that is rolled
    back after the test: each test starts from exactly this world."""
    return shared_world


@pytest.fixture(params=["anonymous", "site_staff_owner"])
def identity(request) -> str:
    return request.param


def _stable_choice(case: Any) -> int:
    """A deterministic number per generated case (hash() is salted per process)."""
    key = json.dumps(
        [case.path_parameters, case.query, case.body], sort_keys=True, default=repr
    ).encode()
    return zlib.crc32(key)


def test_the_served_schema_is_the_one_under_test(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == json.loads(json.dumps(api.get_openapi_schema()))


def test_every_operation_of_the_schema_is_loadable():
    assert INVALID == []
    assert len(OPERATIONS) >= 30


@pytest.mark.parametrize(("method", "path", "name"), INTEGER_QUERY)
def test_huge_integer_query_values_are_answered_without_5xx(
    method: str, path: str, name: str, world: World, wsgi_in_test_transaction: None
):
    """Huge integers in the query (page numbers, page sizes) must be answered per the
    schema (a 422 beyond the documented maximum), never by a database overflow.
    Fuzzing finds these only by luck, so each is tried around the int64 limit."""
    operation = SCHEMA[path][method]
    names = {p.name for p in operation.path_parameters}
    headers = {"Authorization": f"Bearer {world.token}"}
    server_errors = []
    for value in (2**31, 2**62, 2**63, 10**30):
        case = operation.Case(
            path_parameters={k: v for k, v in world.path_parameters[0].items() if k in names},
            query={name: value},
        )
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            server_errors.append(f"{method} {path}?{name}={value} -> {response.status_code}")
            continue
        case.validate_response(response, checks=CHECKS, headers=headers)
    assert server_errors == []


NUL_REQUESTS = [
    ("POST", "/communities/contract-cargo/decision", {"approve": True, "message": "a\x00b"}),
    ("PATCH", "/communities/contract-riders", {"description": "a\x00b"}),
    ("PATCH", "/updates/{update_id}", {"title": "Ready", "body": "a\x00b"}),
    ("POST", "/updates/{update_id}/comments", {"body": "a\x00b"}),
]


@pytest.mark.parametrize(("method", "path", "body"), NUL_REQUESTS)
def test_nul_characters_are_answered_without_5xx(
    method: str, path: str, body: dict[str, Any], world: World, client
):
    """A NUL character in a text field is refused with 422 naming the field, never
    a 500 (PostgreSQL cannot store it), on both databases alike."""
    url = "/api/v1" + path.format(update_id=world.path_parameters[0]["update_id"])
    response = client.generic(
        method,
        url,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert response.status_code == 422, response.content
    fields = response.json()["error"]["fields"]
    assert set(fields) <= set(body), fields


def test_every_integer_query_parameter_is_bounded():
    assert ("GET", "/api/v1/communities", "page") in INTEGER_QUERY
    assert _integer_query_parameters(unbounded=True) == []


@SCHEMA.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
@pytest.mark.django_db
def test_api(case, identity: str, world: World, wsgi_in_test_transaction: None):
    choice = _stable_choice(case)
    names = set(case.path_parameters or {})
    if names and choice % 2 == 0:
        variant = world.path_parameters[choice // 2 % len(world.path_parameters)]
        # `kind` is a reaction's kind, but a sanction's on .../sanction/{kind}.
        if case.path.endswith("/sanction/{kind}"):
            variant = {**variant, "kind": variant["sanction"]}
        case.path_parameters = {k: v for k, v in variant.items() if k in names}
    headers: dict[str, str] = {}
    if identity == "site_staff_owner":
        headers["Authorization"] = f"Bearer {world.token}"
    elif case.headers and choice % 3:
        # Mostly truly anonymous; sometimes keep the generated (bad) credentials.
        case.headers.pop("Authorization", None)
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS, headers=headers)
