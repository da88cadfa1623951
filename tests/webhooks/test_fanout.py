"""Which events become deliveries: only the kinds an endpoint subscribes to, one per
endpoint and event however often the consumer runs, a circle's events for its
parent's endpoints too, never another community's, nothing for content hidden or
gone before the consumer ran; the delivery log for managers only; and, end to end
through commits, the test ping and real events reaching the receiver."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cocreate.communities import actions as community_actions
from cocreate.core import events
from cocreate.core.consumers import run_all
from cocreate.core.models import ConsumerCursor, Event
from cocreate.dialogue import actions as dialogue
from cocreate.dialogue import moderation, updates
from cocreate.ideas import actions as idea_actions
from cocreate.webhooks import actions
from cocreate.webhooks.models import Delivery
from tests.challenges.helpers import make_challenge
from tests.conftest import client_for
from tests.factories import CommunityFactory, UserFactory, add_member
from tests.webhooks.helpers import (
    ALL_KINDS,
    API,
    assert_error,
    body_of,
    make_endpoint,
    post_json,
    send,
    snapshot,
    verifies,
)

URL = "http://127.0.0.1:9/hook"


def kinds_for(endpoint) -> list[str]:
    run_all()
    return sorted(Delivery.objects.filter(endpoint=endpoint).values_list("kind", flat=True))


def soon():
    return timezone.now() + timedelta(minutes=1)


@pytest.mark.django_db
def test_only_subscribed_kinds_are_delivered(
    community, webmaster, idea, author, member, staff, owner
):
    comments = make_endpoint(webmaster, community, URL, ["comment.posted"])
    stages = make_endpoint(webmaster, community, URL, ["idea.stage_changed", "update.posted"])
    everything = make_endpoint(webmaster, community, URL)

    make_challenge(owner, community, title="Another board")
    dialogue.post_comment(member, idea, body="Nice")
    updates.post_update(author, idea, title="Progress", body="We met.")
    idea_actions.edit_idea(author, idea, title="Refillable glass bottles")
    idea_actions.change_stage(staff, idea, stage="under_review", reason="Board on Friday")
    idea_actions.submit_idea(author, idea.challenge, title="Crates", body="Deposit crates.")

    assert kinds_for(comments) == ["comment.posted"]
    assert kinds_for(stages) == ["idea.stage_changed", "update.posted"]
    assert kinds_for(everything) == sorted(
        [
            "challenge.published",
            "comment.posted",
            "update.posted",
            "idea.stage_changed",
            "idea.edited",
            "idea.submitted",
        ]
    )


@pytest.mark.django_db
def test_other_events_make_no_delivery(community, webmaster, idea, author, member):
    endpoint = make_endpoint(webmaster, community, URL)
    idea_actions.support(member, idea)  # idea.supported: not a webhook kind
    comment = dialogue.post_comment(member, idea, body="First")
    run_all()
    dialogue.edit_comment(member, comment, body="First, edited")  # comment.edited
    dialogue.react(author, comment, "heart")
    actions.rotate_secret(webmaster, endpoint)
    assert kinds_for(endpoint) == ["comment.posted"]


@pytest.mark.django_db
def test_one_delivery_per_endpoint_and_event_even_when_the_consumer_runs_again(
    community, webmaster, idea, member
):
    first = make_endpoint(webmaster, community, URL)
    second = make_endpoint(webmaster, community, URL, ["comment.posted"])
    dialogue.post_comment(member, idea, body="Once")
    run_all()
    rows = sorted(Delivery.objects.values_list("pk", "endpoint_id", "event_id", "body"))
    assert len(rows) == 2 and {r[1] for r in rows} == {first.pk, second.pk}

    # Handled again from just before the comment (as after a crash before the cursor moved).
    comment_event = Event.objects.get(kind="comment.posted")
    ConsumerCursor.objects.filter(name="webhooks").update(last_event_id=comment_event.pk - 1)
    run_all()
    run_all()

    assert sorted(Delivery.objects.values_list("pk", "endpoint_id", "event_id", "body")) == rows


@pytest.mark.django_db
def test_an_endpoint_registered_after_an_event_is_not_sent_that_event(
    community, webmaster, idea, member
):
    dialogue.post_comment(member, idea, body="Before the endpoint existed")
    # The worker has not handled these events yet when staff register the endpoint.
    endpoint = actions.create_endpoint(webmaster, community, url=URL, kinds=ALL_KINDS)
    assert kinds_for(endpoint) == []


@pytest.mark.django_db
def test_an_inactive_endpoint_gets_no_deliveries(community, webmaster, idea, member):
    off = make_endpoint(webmaster, community, URL)
    on = make_endpoint(webmaster, community, URL)
    actions.update_endpoint(webmaster, off, active=False)
    dialogue.post_comment(member, idea, body="While it was off")
    assert kinds_for(off) == [] and kinds_for(on) == ["comment.posted"]
    actions.update_endpoint(webmaster, off, active=True)
    run_all()
    assert kinds_for(off) == []  # not made afterwards either


@pytest.mark.django_db
def test_each_endpoint_gets_its_own_delivery_id_in_its_body(community, webmaster, idea, member):
    one = make_endpoint(webmaster, community, URL)
    two = make_endpoint(webmaster, community, URL)
    dialogue.post_comment(member, idea, body="Hello")
    run_all()
    a, b = (Delivery.objects.get(endpoint=e) for e in (one, two))
    assert a.pk != b.pk and a.event_id == b.event_id
    assert json.loads(a.body)["delivery"] == str(a.pk)
    assert json.loads(b.body)["delivery"] == str(b.pk)


# --- circles and other communities -------------------------------------------------------------


@pytest.fixture
def circle(community, staff, author):
    circle = community_actions.create_circle(staff, community, name="Gravel", slug="gravel")
    add_member(circle, author)
    return circle


def in_circle(circle, kind, target, actor):
    """Circles hold no challenges yet (challenge.create is for top-level communities),
    so no action records a subscribable event there: record one as a circle's
    challenge would, about an existing idea or comment."""
    return events.record(kind, actor=actor, community=circle, target=target)


def body_of_delivery(endpoint, kind):
    return json.loads(Delivery.objects.get(endpoint=endpoint, kind=kind).body)


@pytest.mark.django_db
def test_a_circles_events_reach_its_own_and_its_parents_endpoints(
    community, circle, webmaster, idea, author, member
):
    comment = dialogue.post_comment(member, idea, body="Meet at the ford")
    parents = make_endpoint(webmaster, community, URL)
    circles = make_endpoint(webmaster, circle, URL)
    in_circle(circle, "idea.submitted", idea, author)
    in_circle(circle, "comment.posted", comment, member)

    expected = ["comment.posted", "idea.submitted"]
    assert kinds_for(parents) == kinds_for(circles) == expected
    assert body_of_delivery(parents, "idea.submitted")["idea"]["id"] == idea.pk
    assert body_of_delivery(parents, "comment.posted")["comment"]["id"] == comment.pk
    assert body_of_delivery(circles, "idea.submitted")["community"]["slug"] == circle.slug


@pytest.mark.django_db
def test_the_parents_events_do_not_reach_a_circles_endpoints(
    community, circle, webmaster, idea, member
):
    circles = make_endpoint(webmaster, circle, URL)
    parents = make_endpoint(webmaster, community, URL)
    dialogue.post_comment(member, idea, body="In the parent community")
    assert kinds_for(circles) == []
    assert kinds_for(parents) == ["comment.posted"]


@pytest.mark.django_db
def test_a_sibling_circles_events_do_not_reach_a_circle(
    community, circle, staff, webmaster, idea, author
):
    sibling = community_actions.create_circle(staff, community, name="Road", slug="road")
    gravel = make_endpoint(webmaster, circle, URL)
    parents = make_endpoint(webmaster, community, URL)
    in_circle(sibling, "idea.submitted", idea, author)
    assert kinds_for(gravel) == []
    assert kinds_for(parents) == ["idea.submitted"]


@pytest.mark.django_db
def test_another_communitys_events_do_not_reach_this_ones_endpoints(
    community, webmaster, idea, member
):
    other = CommunityFactory()
    boss = UserFactory()
    add_member(other, boss, "owner")
    theirs = make_endpoint(boss, other, URL)
    ours = make_endpoint(webmaster, community, URL)
    dialogue.post_comment(member, idea, body="Only ours")
    board = make_challenge(boss, other, title="Their board")
    assert kinds_for(ours) == ["comment.posted"]
    assert kinds_for(theirs) == ["challenge.published"]
    assert body_of_delivery(theirs, "challenge.published")["challenge"]["id"] == board.pk


# --- hidden, removed or gone before the consumer ran -----------------------------------------


@pytest.fixture
def strict(community):
    """One flag hides content."""
    type(community).objects.filter(pk=community.pk).update(flag_threshold=1)
    community.refresh_from_db()
    return community


@pytest.mark.django_db
def test_a_comment_hidden_before_the_consumer_runs_is_not_delivered(
    strict, webmaster, idea, member, make_members
):
    endpoint = make_endpoint(webmaster, strict, URL)
    comment = dialogue.post_comment(member, idea, body="Buy cheap pills")
    [flagger] = make_members(1)
    moderation.flag(flagger, comment, reason="spam")
    comment.refresh_from_db()
    assert comment.status == "hidden"

    assert kinds_for(endpoint) == []


@pytest.mark.django_db
def test_a_removed_or_deleted_comment_is_not_delivered(
    community, webmaster, idea, member, moderator
):
    endpoint = make_endpoint(webmaster, community, URL)
    rude = dialogue.post_comment(member, idea, body="Rude words")
    moderation.decide(moderator, rude, decision="remove", reason="Abuse")
    deleted = dialogue.post_comment(member, idea, body="Posted by mistake")
    dialogue.delete_comment(member, deleted)
    kept = dialogue.post_comment(member, idea, body="Kept")

    run_all()
    [row] = Delivery.objects.filter(endpoint=endpoint)
    assert body_of_delivery(endpoint, "comment.posted")["comment"]["id"] == kept.pk
    assert row.kind == "comment.posted"
    assert "Rude words" not in row.body and "Posted by mistake" not in row.body


@pytest.mark.django_db
def test_a_hidden_ideas_events_are_not_delivered(
    strict, webmaster, challenge, author, member, make_members
):
    endpoint = make_endpoint(webmaster, strict, URL)
    idea = idea_actions.submit_idea(author, challenge, title="Spam", body="Cheap pills.")
    dialogue.post_comment(member, idea, body="A comment before it was hidden")
    updates.post_update(author, idea, title="More spam", body="Even cheaper.")
    [flagger] = make_members(1)
    moderation.flag(flagger, idea, reason="spam")
    idea.refresh_from_db()
    assert idea.moderation == "hidden"

    assert kinds_for(endpoint) == []


@pytest.mark.django_db
def test_a_removed_ideas_events_are_not_delivered(
    community, webmaster, challenge, author, moderator
):
    endpoint = make_endpoint(webmaster, community, URL)
    idea = idea_actions.submit_idea(author, challenge, title="Spam", body="Cheap pills.")
    moderation.decide(moderator, idea, decision="remove", reason="Spam")
    assert kinds_for(endpoint) == []


@pytest.mark.django_db
def test_content_hidden_after_its_delivery_was_queued_keeps_that_delivery(
    strict, webmaster, idea, member, make_members
):
    """Already queued (the consumer ran right after the commit): the body was made
    while the comment was visible; hiding it later queues nothing more."""
    endpoint = make_endpoint(webmaster, strict, URL)
    comment = dialogue.post_comment(member, idea, body="Looks fine at first")
    run_all()
    [flagger] = make_members(1)
    moderation.flag(flagger, comment, reason="spam")
    assert kinds_for(endpoint) == ["comment.posted"]


@pytest.mark.django_db
def test_a_comment_on_the_challenge_itself_has_no_idea(community, webmaster, challenge, member):
    endpoint = make_endpoint(webmaster, community, URL, ["comment.posted"])
    comment = dialogue.post_comment(member, challenge, body="When does it close?")
    run_all()
    body = body_of_delivery(endpoint, "comment.posted")
    assert body["comment"]["id"] == comment.pk
    assert body["idea"] is None and body["challenge"]["id"] == challenge.pk


@pytest.mark.django_db
def test_a_comment_on_an_update_names_the_update(community, webmaster, idea, author, member):
    update = updates.post_update(author, idea, title="Progress", body="We met.")
    endpoint = make_endpoint(webmaster, community, URL, ["comment.posted"])
    comment = dialogue.post_comment(member, update, body="Great progress")
    run_all()
    body = body_of_delivery(endpoint, "comment.posted")
    assert body["comment"]["id"] == comment.pk and body["comment"]["update"] == update.pk
    assert body["idea"]["id"] == idea.pk


# --- the delivery log --------------------------------------------------------------------------


@pytest.fixture
def logged(community, webmaster, idea, member, receiver):
    """Three deliveries: one delivered, one waiting for a retry, one given up."""
    endpoint = make_endpoint(webmaster, community, receiver.url)
    receiver.answers = [200, 500, 500]
    for body in ("Delivered", "Retried", "Given up"):
        dialogue.post_comment(member, idea, body=body)
        idea.refresh_from_db()
    assert send(soon()) == 3
    given_up = Delivery.objects.filter(status="pending").order_by("created_at").last()
    Delivery.objects.filter(pk=given_up.pk).update(status="failed", next_attempt_at=None)
    return endpoint


@pytest.mark.django_db
def test_the_log_shows_each_delivery_with_its_status(logged, webmaster):
    client = client_for(webmaster)
    page = client.get(reverse("webhooks:detail", args=[logged.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for row in Delivery.objects.all():
        assert str(row.pk) in text
    assert text.count('class="pill pill-accepted">Delivered<') == 1
    assert text.count('class="pill pill-pending">Pending<') == 1
    assert text.count('class="pill pill-declined">Failed<') == 1
    assert "HTTP 500" in text and "answered 500" in text
    assert "Next attempt" in text
    # Finished deliveries can be sent again; the waiting one cannot.
    assert text.count("/redeliver/") == 2

    failed = client.get(reverse("webhooks:detail", args=[logged.pk]), {"status": "failed"})
    [only] = Delivery.objects.filter(status="failed")
    text = failed.content.decode()
    assert str(only.pk) in text
    assert all(str(r.pk) not in text for r in Delivery.objects.exclude(pk=only.pk))


@pytest.mark.django_db
def test_the_log_through_the_api(logged, webmaster, api_client):
    client = api_client(webmaster)
    log = client.get(f"{API}/webhooks/{logged.pk}/deliveries").json()
    assert log["count"] == 3
    assert {d["status"] for d in log["items"]} == {"succeeded", "pending", "failed"}
    for item in log["items"]:
        row = Delivery.objects.get(pk=item["id"])
        assert item["body"] == row.body and item["attempts"] == row.attempts
    pending = client.get(f"{API}/webhooks/{logged.pk}/deliveries", {"status": "pending"}).json()
    assert [d["status"] for d in pending["items"]] == ["pending"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "moderator", "outsider", None])
def test_the_log_is_only_for_managers(request, logged, who, api_client):
    person = request.getfixturevalue(who) if who else None
    before = snapshot()
    page = client_for(person).get(reverse("webhooks:detail", args=[logged.pk]))
    api = api_client(person).get(f"{API}/webhooks/{logged.pk}/deliveries")
    if person is None:
        assert page.status_code == 302
        assert_error(api, 401, "unauthenticated")
    else:
        assert page.status_code == 403
        assert_error(api, 404, "not_found")
    for response in (page, api):
        assert all(str(r.pk) not in response.content.decode() for r in Delivery.objects.all())
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["owner", "site_staff"])
def test_owners_and_site_staff_read_the_log(request, logged, who):
    page = client_for(request.getfixturevalue(who)).get(
        reverse("webhooks:detail", args=[logged.pk])
    )
    assert page.status_code == 200
    assert all(str(r.pk) in page.content.decode() for r in Delivery.objects.all())


@pytest.mark.django_db
def test_the_log_pages_by_25(community, webmaster):
    endpoint = make_endpoint(webmaster, community, URL)
    for _ in range(30):
        actions.send_test(webmaster, endpoint)
    client = client_for(webmaster)
    first = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    second = client.get(reverse("webhooks:detail", args=[endpoint.pk]), {"page": 2})
    ids = [str(pk) for pk in Delivery.objects.values_list("pk", flat=True)]
    on_first = [i for i in ids if i in first]
    on_second = [i for i in ids if i in second.content.decode()]
    assert len(on_first) == 25 and len(on_second) == 5
    assert not set(on_first) & set(on_second)


# --- end to end, through real commits ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_test_button_pings_the_receiver(community, webmaster, receiver):
    endpoint = make_endpoint(webmaster, community, receiver.url)
    client = client_for(webmaster)

    response = client.post(reverse("webhooks:test", args=[endpoint.pk]))

    assert response.status_code == 302
    [got] = receiver.requests
    assert got.header("X-Cocreate-Event") == "ping"
    assert verifies(endpoint.secret, got)
    assert body_of(got)["endpoint"]["id"] == endpoint.pk
    row = Delivery.objects.get()
    assert (row.kind, row.status, row.attempts, row.response_status) == (
        "ping",
        "succeeded",
        1,
        200,
    )
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert str(row.pk) in page and "Delivered" in page


@pytest.mark.django_db(transaction=True)
def test_the_api_test_and_a_comment_through_the_api_reach_the_receiver(
    community, webmaster, idea, member, receiver, api_client
):
    made = post_json(
        api_client(webmaster),
        f"{API}/communities/{community.slug}/webhooks",
        {"url": receiver.url, "kinds": ["comment.posted"]},
    )
    assert made.status_code == 201
    secret = made.json()["secret"]
    tested = post_json(api_client(webmaster), f"{API}/webhooks/{made.json()['id']}/test")
    assert tested.status_code == 202
    posted = post_json(
        api_client(member), f"{API}/ideas/{idea.pk}/comments", {"body": "Through the API"}
    )
    assert posted.status_code == 201, posted.content

    assert [r.header("X-Cocreate-Event") for r in receiver.requests] == ["ping", "comment.posted"]
    assert all(verifies(secret, r) for r in receiver.requests)
    comment = body_of(receiver.requests[1])["comment"]
    assert (comment["id"], comment["body"]) == (posted.json()["id"], "Through the API")
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}


@pytest.mark.django_db(transaction=True)
def test_every_subscribed_event_reaches_the_receiver_once(
    community, webmaster, idea, author, member, staff, receiver
):
    endpoint = make_endpoint(webmaster, community, receiver.url, ALL_KINDS)
    dialogue.post_comment(member, idea, body="One")
    updates.post_update(author, idea, title="Two", body="Second event")
    idea_actions.change_stage(staff, idea, stage="under_review", reason="Three")
    run_all()  # nothing left to do: each commit already sent its deliveries

    sent = [r.header("X-Cocreate-Event") for r in receiver.requests]
    assert sent == ["comment.posted", "update.posted", "idea.stage_changed"]
    assert len({r.header("X-Cocreate-Delivery") for r in receiver.requests}) == 3
    assert all(verifies(endpoint.secret, r) for r in receiver.requests)
    assert Event.objects.filter(kind="webhook.disabled").count() == 0
