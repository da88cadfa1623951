"""Deliveries as a receiver sees them: every one verifiable with the documented
header and the endpoint's secret alone (HMAC-SHA256 over the raw body), tampering
and other secrets caught, the new secret used right after a rotation, retries that
repeat the very same bytes and delivery id, and a documented JSON body per kind of
event (UTF-8, Chinese included)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cocreate.core.models import Event
from cocreate.dialogue import actions as dialogue
from cocreate.dialogue import updates
from cocreate.ideas import actions as idea_actions
from cocreate.webhooks import actions
from cocreate.webhooks.models import Delivery
from tests.challenges.helpers import make_challenge
from tests.conftest import client_for
from tests.factories import UserFactory, add_member
from tests.webhooks.helpers import ALL_KINDS, body_of, make_endpoint, send, verifies

pytestmark = pytest.mark.django_db

SIGNATURE = "X-Cocreate-Signature"


def later(minutes: float = 0) -> datetime:
    return timezone.now() + timedelta(minutes=minutes)


@pytest.fixture
def hook(community, webmaster, receiver, idea):
    """An endpoint for every kind of event, made after the `idea` fixture's events."""
    return make_endpoint(webmaster, community, receiver.url)


@pytest.fixture
def everything(hook, community, owner, staff, author, member, challenge):
    """One event of every subscribable kind, sent to the receiver (answering 200)."""
    idea_actions.set_ladder(
        owner, community, [{"threshold": 1, "days": 10}, {"threshold": 3, "days": 20}]
    )
    make_challenge(owner, community, title="Second board")  # challenge.published
    idea = idea_actions.submit_idea(
        author, challenge, title="Deposit crates", body="Crates that come back."
    )
    idea_actions.edit_idea(author, idea, body="Crates that come back, washed.")
    idea_actions.support(member, idea)  # the first step of the ladder: a milestone
    comment = dialogue.post_comment(member, idea, body="Who washes them?")
    update = updates.post_update(author, idea, title="Prototype", body="We built one.")
    idea_actions.change_stage(staff, idea, stage="under_review", reason="The board meets Friday")
    assert send(later()) == Delivery.objects.count()
    idea.refresh_from_db()
    return {"idea": idea, "comment": comment, "update": update}


def test_the_signature_header_is_documented_on_the_endpoint_page(hook, webmaster):
    page = client_for(webmaster).get(reverse("webhooks:detail", args=[hook.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"<code>{SIGNATURE}: sha256=…</code>" in text
    assert "HMAC-SHA256 of the raw body" in text and "constant time" in text


def test_every_kind_of_delivery_verifies_with_the_secret_alone(everything, hook, receiver):
    assert {body_of(r)["event"] for r in receiver.requests} == set(ALL_KINDS)
    assert len(receiver.requests) == Delivery.objects.count()
    for got in receiver.requests:
        assert got.method == "POST" and got.path == "/hook"
        assert verifies(hook.secret, got), got.headers
        body = body_of(got)
        row = Delivery.objects.get(pk=got.header("X-Cocreate-Delivery"))
        assert got.body == row.body.encode("utf-8")
        assert body["delivery"] == str(row.pk) == got.header("X-Cocreate-Delivery")
        assert body["event"] == row.kind == got.header("X-Cocreate-Event")
        assert row.status == "succeeded" and row.attempts == 1


def test_a_tampered_body_or_another_secret_fails_verification(
    everything, hook, receiver, community, webmaster
):
    got = receiver.requests[0]
    assert verifies(hook.secret, got)

    changed = got.body.replace(b'"version":1', b'"version":2')
    assert changed != got.body
    assert not verifies(hook.secret, replace(got, body=changed))
    assert not verifies(hook.secret, replace(got, body=got.body + b" "))
    assert not verifies(hook.secret, replace(got, body=got.body[:-1]))
    # Re-serialised JSON is not the raw body: receivers must hash the bytes received.
    assert not verifies(hook.secret, replace(got, body=json.dumps(body_of(got)).encode()))

    other = make_endpoint(webmaster, community, "http://127.0.0.1:9/other")
    assert not verifies(other.secret, got)
    assert not verifies("whsec_" + "A" * 43, got)
    assert not verifies(hook.secret[:-1], got)
    # A forged header: another algorithm, the right digest but no scheme, none at all.
    sha1 = hmac.new(hook.secret.encode(), got.body, hashlib.sha1).hexdigest()
    sha256 = hmac.new(hook.secret.encode(), got.body, hashlib.sha256).hexdigest()
    assert not verifies(hook.secret, replace(got, headers={SIGNATURE: f"sha1={sha1}"}))
    assert not verifies(hook.secret, replace(got, headers={SIGNATURE: sha256}))
    assert not verifies(hook.secret, replace(got, headers={}))


def test_after_a_rotation_new_deliveries_are_signed_with_the_new_secret(
    hook, webmaster, receiver, idea, member
):
    old = hook.secret
    actions.send_test(webmaster, hook)
    assert send(later()) == 1
    assert verifies(old, receiver.requests[-1])

    rotated = actions.rotate_secret(webmaster, hook)
    assert rotated.secret != old and rotated.secret.startswith("whsec_")
    dialogue.post_comment(member, idea, body="After the rotation")
    actions.send_test(webmaster, rotated)
    assert send(later()) == 2

    for got in receiver.requests[1:]:
        assert verifies(rotated.secret, got)
        assert not verifies(old, got)


def test_a_retry_after_a_rotation_is_signed_with_the_new_secret(
    hook, webmaster, receiver, idea, member
):
    receiver.answers = [500]
    old = hook.secret
    dialogue.post_comment(member, idea, body="Queued before the rotation")
    assert send(later()) == 1
    rotated = actions.rotate_secret(webmaster, hook)

    assert send(later(2)) == 1

    first, retry = receiver.requests
    assert retry.body == first.body
    assert verifies(old, first) and not verifies(old, retry)
    assert verifies(rotated.secret, retry)


def test_retries_send_the_same_bytes_and_delivery_id(hook, receiver, idea, member):
    receiver.answers = [500, 503]
    dialogue.post_comment(member, idea, body="Third time lucky")

    assert send(later()) == 1
    assert send(later(0.5)) == 0  # not due yet
    assert send(later(1)) == 1
    assert send(later(3)) == 1

    first, second, third = receiver.requests
    assert first.body == second.body == third.body
    for name in ("X-Cocreate-Delivery", "X-Cocreate-Event", SIGNATURE, "Content-Type"):
        assert first.header(name) == second.header(name) == third.header(name), name
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.response_status) == ("succeeded", 3, 200)
    assert first.header("X-Cocreate-Delivery") == str(row.pk)
    assert all(verifies(hook.secret, got) for got in receiver.requests)


# --- the body ---------------------------------------------------------------------------------


def envelope_of(kind: str, receiver) -> dict:
    [body] = [b for b in map(body_of, receiver.requests) if b["event"] == kind]
    return body


def person(user) -> dict:
    return {"id": user.pk, "display_name": user.display_name, "handle": user.handle}


def assert_envelope(body: dict, kind: str, community, actor) -> Event:
    """The documented fields every event delivery has."""
    event = Event.objects.get(pk=body["event_id"])
    assert event.kind == kind
    assert body["version"] == 1
    assert body["event"] == kind
    assert isinstance(body["delivery"], str) and len(body["delivery"]) == 36
    assert datetime.fromisoformat(body["occurred_at"]) == event.created_at
    assert body["community"] == {"slug": community.slug, "name": community.name}
    assert body["actor"] == (person(actor) if actor is not None else None)
    return event


def assert_idea(data: dict, idea) -> None:
    assert data == {
        "id": idea.pk,
        "title": idea.title,
        "body": idea.body,
        "stage": data["stage"],  # as it was when the event was handled
        "support_count": data["support_count"],
        "comment_count": data["comment_count"],
        "tags": idea.tags,
        "author": person(idea.author),
        "url": f"http://testserver/ideas/{idea.pk}/",
        "challenge": {
            "id": idea.challenge.pk,
            "title": idea.challenge.title,
            "url": f"http://testserver/challenges/{idea.challenge.pk}/",
        },
    }


def test_the_body_of_each_kind_says_what_happened_to_what(
    everything, receiver, community, owner, author, member, staff
):
    idea, comment, update = everything["idea"], everything["comment"], everything["update"]

    body = envelope_of("idea.submitted", receiver)
    assert_envelope(body, "idea.submitted", community, author)
    assert_idea(body["idea"], idea)
    assert body["idea"]["title"] == "Deposit crates"

    body = envelope_of("idea.edited", receiver)
    assert_envelope(body, "idea.edited", community, author)
    assert_idea(body["idea"], idea)

    body = envelope_of("idea.milestone_reached", receiver)
    assert_envelope(body, "idea.milestone_reached", community, None)  # the ladder did it
    assert body["milestone"] == {"threshold": 1, "level": 1, "complete": False}
    assert_idea(body["idea"], idea)
    assert body["idea"]["support_count"] == 1

    [changed] = [
        b
        for b in map(body_of, receiver.requests)
        if b["event"] == "idea.stage_changed" and b["change"]["new"] == "under_review"
    ]
    assert_envelope(changed, "idea.stage_changed", community, staff)
    assert changed["change"]["reason"] == "The board meets Friday"
    assert changed["change"]["automatic"] is False
    assert changed["idea"]["stage"] == "under_review"

    body = envelope_of("comment.posted", receiver)
    assert_envelope(body, "comment.posted", community, member)
    assert body["comment"] == {
        "id": comment.pk,
        "body": "Who washes them?",
        "official": False,
        "parent": None,
        "update": None,
        "author": person(member),
        "url": f"http://testserver/comments/{comment.pk}/",
    }
    assert_idea(body["idea"], idea)
    assert body["challenge"]["id"] == idea.challenge_id

    body = envelope_of("update.posted", receiver)
    assert_envelope(body, "update.posted", community, author)
    assert body["update"] == {
        "id": update.pk,
        "title": "Prototype",
        "body": "We built one.",
        "author": person(author),
        "url": f"http://testserver/updates/{update.pk}/",
    }
    assert_idea(body["idea"], idea)

    body = envelope_of("challenge.published", receiver)
    event = assert_envelope(body, "challenge.published", community, owner)
    board = event.target_id
    assert body["challenge"] == {
        "id": board,
        "title": "Second board",
        "url": f"http://testserver/challenges/{board}/",
    }


def test_the_ping_body_names_the_endpoint(hook, webmaster, receiver, community):
    actions.send_test(webmaster, hook)
    assert send(later()) == 1
    [got] = receiver.requests
    body = body_of(got)
    assert got.header("X-Cocreate-Event") == "ping"
    assert body["event"] == "ping" and body["version"] == 1
    assert body["delivery"] == got.header("X-Cocreate-Delivery")
    assert body["community"] == {"slug": community.slug, "name": community.name}
    assert body["endpoint"] == {"id": hook.pk, "url": hook.url, "kinds": ALL_KINDS}
    datetime.fromisoformat(body["occurred_at"])
    assert hook.secret not in got.body.decode()
    assert verifies(hook.secret, got)


def test_chinese_text_arrives_as_utf8_and_verifies(community, webmaster, receiver, challenge):
    type(community).objects.filter(pk=community.pk).update(name="绿色社区")
    writer = UserFactory(display_name="李小龙")
    add_member(community, writer)
    hook = make_endpoint(webmaster, community, receiver.url, ["idea.submitted", "comment.posted"])
    idea = idea_actions.submit_idea(
        writer, challenge, title="可重复使用的瓶子", body="带回来，再装满。🌱"
    )
    dialogue.post_comment(writer, idea, body="好主意！谁来清洗？")

    assert send(later()) == 2

    for got in receiver.requests:
        assert verifies(hook.secret, got)
        assert got.header("Content-Type") == "application/json; charset=utf-8"
        assert int(got.header("Content-Length")) == len(got.body)
        assert b"\\u" not in got.body  # sent as UTF-8, not as escapes
        assert "绿色社区".encode() in got.body
    submitted = envelope_of("idea.submitted", receiver)
    assert submitted["idea"]["title"] == "可重复使用的瓶子"
    assert submitted["idea"]["body"] == "带回来，再装满。🌱"
    assert submitted["actor"]["display_name"] == "李小龙"
    assert submitted["actor"]["handle"].isascii()
    assert submitted["community"]["name"] == "绿色社区"
    assert envelope_of("comment.posted", receiver)["comment"]["body"] == "好主意！谁来清洗？"
