"""The conversations API: the documented error shape with the field named, the
right status for every role (and nothing changed when refused), statements and
their moderation, the next statement with progress, and votes."""

from __future__ import annotations

import pytest

from cocreate.communities.models import Community, Membership, Role, Visibility
from cocreate.consensus import actions
from cocreate.consensus.models import Conversation, Statement, StatementStatus, Vote
from tests.challenges.helpers import make_challenge
from tests.consensus.conftest import SEEDS
from tests.consensus.helpers import API, assert_counts_exact, assert_error, post_json, snapshot
from tests.factories import CommunityFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

FOREVER = "9999-01-01T00:00:00+00:00"


def conversations_url(community) -> str:
    return f"{API}/communities/{community.slug}/conversations"


def votes_url(conversation) -> str:
    return f"{API}/conversations/{conversation.pk}/votes"


def cast(client, conversation, statement, value):
    return post_json(client, votes_url(conversation), {"statement": statement.pk, "vote": value})


@pytest.fixture
def private(owner, community):
    """`community` made members-only."""
    Community.objects.filter(pk=community.pk).update(visibility=Visibility.PRIVATE)
    community.refresh_from_db()
    return community


# --- starting and listing ----------------------------------------------------------------------


def test_staff_start_a_conversation(community, staff, api_client, challenge):
    answer = post_json(
        api_client(staff),
        conversations_url(community),
        {
            "title": "Park",
            "description": "A *park*",
            "moderation": "pre",
            "allow_statements": False,
            "statements": ["Trees", " trees ", "Ponds"],
            "challenge": challenge.pk,
        },
    )
    assert answer.status_code == 201, answer.content
    data = answer.json()
    conversation = Conversation.objects.get()
    assert data["id"] == conversation.pk and data["community"] == community.slug
    assert data["challenge"] == challenge.pk and data["idea"] is None
    assert data["moderation"] == "pre" and data["allow_statements"] is False
    assert data["status"] == "open" and data["statement_count"] == 2
    assert data["created_by"]["id"] == staff.pk
    assert data["stale"] is False and data["computed_at"] is None
    assert "<em>park</em>" in data["description_html"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "T", "moderation": "sometimes"}, "moderation"),
        ({"title": "T", "statements": [f"S{i}" for i in range(101)]}, "statements"),
        ({"title": "T", "statements": ["ok", "x" * 301]}, "statements"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({}, "title"),
        ({"title": "T", "challenge": 999999}, "challenge"),
        ({"title": "T", "idea": 999999}, "idea"),
        ({"title": "T", "challenge": 0}, "challenge"),
    ],
)
def test_creating_with_bad_fields_is_a_422_naming_the_field(
    community, owner, api_client, payload, field
):
    before = snapshot()
    answer = post_json(api_client(owner), conversations_url(community), payload)
    assert_error(answer, 422, "invalid", field)
    assert snapshot() == before


def test_a_challenge_of_another_community_is_a_422(community, owner, api_client):
    other = CommunityFactory()
    boss = UserFactory()
    add_member(other, boss, Role.OWNER)
    foreign = make_challenge(boss, other)
    answer = post_json(
        api_client(owner), conversations_url(community), {"title": "T", "challenge": foreign.pk}
    )
    assert_error(answer, 422, "invalid", "challenge")
    assert not Conversation.objects.exists()


def test_who_may_start_one(community, member, moderator, outsider, api_client):
    before = snapshot()
    for person in (member, moderator, outsider):
        answer = post_json(api_client(person), conversations_url(community), {"title": "T"})
        assert_error(answer, 403, "forbidden")
    answer = post_json(api_client(None), conversations_url(community), {"title": "T"})
    assert_error(answer, 401, "unauthenticated")
    assert snapshot() == before
    Community.objects.filter(pk=community.pk).update(members_start_conversations=True)
    answer = post_json(api_client(member), conversations_url(community), {"title": "T"})
    assert answer.status_code == 201
    answer = post_json(api_client(outsider), conversations_url(community), {"title": "T"})
    assert_error(answer, 403, "forbidden")


def test_the_list_puts_open_ones_first_and_hides_what_you_cannot_see(
    community, owner, member, api_client
):
    first = actions.create_conversation(owner, community, title="First")
    closed = actions.create_conversation(owner, community, title="Closed")
    actions.edit_conversation(owner, closed, status="closed")
    draft = make_challenge(owner, community, publish=False)
    secret = actions.create_conversation(owner, community, title="Draft", challenge=draft)
    latest = actions.create_conversation(owner, community, title="Latest")
    staff_view = api_client(owner).get(conversations_url(community)).json()
    assert [c["id"] for c in staff_view["items"]] == [latest.pk, secret.pk, first.pk, closed.pk]
    member_view = api_client(member).get(conversations_url(community)).json()
    assert [c["id"] for c in member_view["items"]] == [latest.pk, first.pk, closed.pk]
    assert api_client(None).get(conversations_url(community)).json()["count"] == 3
    assert_error(api_client(member).get(f"{API}/conversations/{secret.pk}"), 404, "not_found")


def test_a_private_communitys_conversations_are_invisible_to_outsiders(
    private, conversation, outsider, member, api_client
):
    statement = conversation.statements.first()
    for client in (api_client(outsider), api_client(None)):
        assert client.get(conversations_url(private)).status_code == 404
        for path in ("", "/statements", "/report"):
            answer = client.get(f"{API}/conversations/{conversation.pk}{path}")
            assert_error(answer, 404, "not_found")
    before = snapshot()
    assert_error(cast(api_client(outsider), conversation, statement, 1), 404, "not_found")
    answer = post_json(
        api_client(outsider), f"{API}/conversations/{conversation.pk}/statements", {"body": "Hi"}
    )
    assert_error(answer, 404, "not_found")
    assert snapshot() == before
    assert api_client(member).get(f"{API}/conversations/{conversation.pk}").status_code == 200


# --- changing it -------------------------------------------------------------------------------


def test_closing_by_patch_stops_the_votes(conversation, owner, member, api_client):
    statement = conversation.statements.first()
    url = f"{API}/conversations/{conversation.pk}"
    answer = post_json(api_client(owner), url, {"status": "closed"}, method="patch")
    assert answer.status_code == 200 and answer.json()["status"] == "closed"
    before = snapshot()
    assert_error(cast(api_client(member), conversation, statement, 1), 403, "forbidden")
    answer = post_json(api_client(member), f"{url}/statements", {"body": "A new view"})
    assert_error(answer, 403, "forbidden")
    nxt = api_client(member).get(f"{url}/next").json()
    assert nxt["statement"] is None
    assert snapshot() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "paused"}, "status"),
        ({"moderation": "x"}, "moderation"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_patches_are_a_422(conversation, owner, api_client, payload, field):
    before = snapshot()
    answer = post_json(
        api_client(owner), f"{API}/conversations/{conversation.pk}", payload, method="patch"
    )
    assert_error(answer, 422, "invalid", field)
    assert snapshot() == before


def test_only_those_who_run_it_may_patch(conversation, moderator, member, outsider, api_client):
    url = f"{API}/conversations/{conversation.pk}"
    before = snapshot()
    for person in (moderator, member, outsider):
        answer = post_json(api_client(person), url, {"status": "closed"}, method="patch")
        assert_error(answer, 403, "forbidden")
    answer = post_json(api_client(None), url, {"status": "closed"}, method="patch")
    assert_error(answer, 401, "unauthenticated")
    assert snapshot() == before


# --- statements --------------------------------------------------------------------------------


def test_statements_list_shows_pending_ones_only_to_moderators(
    conversation, owner, moderator, member, outsider, api_client
):
    actions.edit_conversation(owner, conversation, moderation="pre")
    url = f"{API}/conversations/{conversation.pk}/statements"
    answer = post_json(api_client(member), url, {"body": "Add a skate park"})
    assert answer.status_code == 201
    held = answer.json()
    assert held["status"] == "pending" and held["is_seed"] is False
    for person in (member, outsider, None):
        data = api_client(person).get(url, {"page_size": 100}).json()
        assert data["count"] == len(SEEDS)
        assert held["id"] not in [s["id"] for s in data["items"]]
    data = api_client(moderator).get(url, {"page_size": 100}).json()
    assert data["count"] == len(SEEDS) + 1
    # Hidden from others by id as well.
    patch_url = f"{API}/statements/{held['id']}"
    answer = post_json(api_client(member), patch_url, {"status": "accepted"}, method="patch")
    assert_error(answer, 404, "not_found")
    answer = post_json(api_client(moderator), patch_url, {"status": "accepted"}, method="patch")
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    assert api_client(member).get(url, {"page_size": 100}).json()["count"] == len(SEEDS) + 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("x" * 301, 422, "body"),
        ("", 422, "body"),
        ("A\x00B", 422, "body"),
        ("The park should keep its old TREES", 409, None),
    ],
)
def test_adding_a_bad_statement(conversation, member, api_client, body, status, field):
    before = snapshot()
    answer = post_json(
        api_client(member), f"{API}/conversations/{conversation.pk}/statements", {"body": body}
    )
    assert_error(answer, status, {422: "invalid", 409: "conflict"}[status], field)
    assert snapshot() == before


def test_the_twenty_first_statement_in_an_hour_is_a_429_with_retry_after(
    conversation, member, api_client
):
    client = api_client(member)
    url = f"{API}/conversations/{conversation.pk}/statements"
    for i in range(actions.STATEMENTS_PER_HOUR):
        assert post_json(client, url, {"body": f"Member view {i}"}).status_code == 201
    before = snapshot()
    answer = post_json(client, url, {"body": "One view too many"})
    assert_error(answer, 429, "rate_limited")
    assert 1 <= int(answer["Retry-After"]) <= 3600
    assert snapshot() == before


def test_muted_members_vote_but_cannot_add_statements(conversation, community, member, api_client):
    Membership.objects.filter(community=community, user=member).update(muted_until=FOREVER)
    client = api_client(member)
    before = snapshot()
    answer = post_json(client, f"{API}/conversations/{conversation.pk}/statements", {"body": "Hi"})
    assert_error(answer, 403, "forbidden")
    assert snapshot() == before
    assert cast(client, conversation, conversation.statements.first(), -1).status_code == 200


def test_moderating_by_patch(conversation, owner, member, api_client):
    statement = conversation.statements.first()
    url = f"{API}/statements/{statement.pk}"
    before = snapshot()
    answer = post_json(api_client(member), url, {"status": "rejected"}, method="patch")
    assert_error(answer, 403, "forbidden")
    answer = post_json(api_client(owner), url, {"status": "pending"}, method="patch")
    assert_error(answer, 422, "invalid", "status")
    assert snapshot() == before
    answer = post_json(api_client(owner), url, {"is_meta": True}, method="patch")
    assert answer.status_code == 200
    assert answer.json()["is_meta"] is True and answer.json()["status"] == "accepted"
    answer = post_json(api_client(owner), url, {"status": "rejected"}, method="patch")
    assert answer.json()["status"] == "rejected"
    conversation.refresh_from_db()
    assert conversation.statement_count == len(SEEDS) - 1
    assert conversation.version == 2


# --- the next statement ------------------------------------------------------------------------


def test_next_walks_through_every_open_statement_once(conversation, owner, member, api_client):
    actions.edit_conversation(owner, conversation, moderation="pre")
    held = actions.add_statement(member, conversation, body="Waiting for review")
    rejected = conversation.statements.order_by("pk").first()
    actions.moderate_statement(owner, rejected, status="rejected")
    client = api_client(member)
    url = f"{API}/conversations/{conversation.pk}/next"
    total = len(SEEDS) - 1
    seen = []
    for done in range(total):
        data = client.get(url).json()
        assert (data["voted"], data["total"]) == (done, total)
        statement = data["statement"]
        assert statement is not None and statement["status"] == "accepted"
        assert statement["id"] not in seen and statement["id"] not in (held.pk, rejected.pk)
        seen.append(statement["id"])
        assert cast(client, conversation, Statement(pk=statement["id"]), 1).status_code == 200
    data = client.get(url).json()
    assert data == {"statement": None, "voted": total, "total": total}


def test_next_for_someone_who_cannot_vote(conversation, outsider, api_client):
    data = api_client(outsider).get(f"{API}/conversations/{conversation.pk}/next").json()
    assert data == {"statement": None, "voted": 0, "total": len(SEEDS)}
    answer = api_client(None).get(f"{API}/conversations/{conversation.pk}/next")
    assert_error(answer, 401, "unauthenticated")


# --- votes -------------------------------------------------------------------------------------


def test_a_vote_answers_with_the_vote(conversation, member, api_client):
    statement = conversation.statements.first()
    answer = cast(api_client(member), conversation, statement, -1)
    assert answer.status_code == 200
    data = answer.json()
    assert data["statement"] == statement.pk and data["vote"] == -1 and data["updated_at"]
    statement.refresh_from_db()
    assert statement.disagree_count == 1
    assert_counts_exact()


@pytest.mark.parametrize("value", [2, -2, "x", None, 1.5, "", [1], {"v": 1}])
def test_invalid_vote_values_are_a_422_and_change_nothing(conversation, member, api_client, value):
    before = snapshot()
    answer = cast(api_client(member), conversation, conversation.statements.first(), value)
    assert_error(answer, 422, "invalid", "vote")
    assert snapshot() == before


def test_a_vote_without_a_value_is_a_422(conversation, member, api_client):
    answer = post_json(
        api_client(member),
        votes_url(conversation),
        {"statement": conversation.statements.first().pk},
    )
    assert_error(answer, 422, "invalid", "vote")
    assert not Vote.objects.exists()


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_vote_is_a_422(conversation, member, api_client, value):
    before = snapshot()
    answer = cast(api_client(member), conversation, conversation.statements.first(), value)
    assert_error(answer, 422, "invalid", "vote")
    assert snapshot() == before


def test_pending_and_rejected_statements_are_a_409(conversation, owner, member, api_client):
    actions.edit_conversation(owner, conversation, moderation="pre")
    held = actions.add_statement(member, conversation, body="Waiting for review")
    rejected = conversation.statements.order_by("pk").first()
    actions.moderate_statement(owner, rejected, status="rejected")
    before = snapshot()
    for statement in (held, rejected):
        assert_error(cast(api_client(owner), conversation, statement, 1), 409, "conflict")
    assert snapshot() == before


def test_a_statement_of_another_conversation_is_a_422(
    conversation, owner, member, community, api_client
):
    other = actions.create_conversation(owner, community, title="Other", statements=["Elsewhere"])
    before = snapshot()
    answer = cast(api_client(member), conversation, other.statements.get(), 1)
    assert_error(answer, 422, "invalid", "statement")
    answer = post_json(api_client(member), votes_url(conversation), {"statement": 10**9, "vote": 1})
    assert_error(answer, 422, "invalid", "statement")
    answer = post_json(api_client(member), votes_url(conversation), {"statement": "x", "vote": 1})
    assert_error(answer, 422, "invalid", "statement")
    assert snapshot() == before


def test_who_may_vote(
    conversation, community, owner, staff, moderator, member, outsider, site_staff, api_client
):
    statement = conversation.statements.first()
    for person in (owner, staff, moderator, member, site_staff):
        assert cast(api_client(person), conversation, statement, 1).status_code == 200
    before = snapshot()
    assert_error(cast(api_client(outsider), conversation, statement, 1), 403, "forbidden")
    assert_error(cast(api_client(None), conversation, statement, 1), 401, "unauthenticated")
    banned = UserFactory()
    add_member(community, banned)
    Membership.objects.filter(user=banned).update(banned_until=FOREVER)
    assert_error(cast(api_client(banned), conversation, statement, 1), 403, "forbidden")
    assert snapshot() == before
    statement.refresh_from_db()
    assert statement.agree_count == 5
    assert_counts_exact()


def test_unknown_conversation_is_a_404(member, api_client):
    assert_error(api_client(member).get(f"{API}/conversations/999999"), 404, "not_found")
    answer = post_json(
        api_client(member), f"{API}/conversations/999999/votes", {"statement": 1, "vote": 1}
    )
    assert_error(answer, 404, "not_found")
    assert_error(api_client(member).get(f"{API}/conversations/0"), 422, "invalid")


def test_the_vote_rate_limit_is_a_429_with_retry_after(
    conversation, member, api_client, monkeypatch
):
    monkeypatch.setattr(actions, "VOTES_PER_MINUTE", 2)
    client = api_client(member)
    statements = list(conversation.statements.order_by("pk"))
    for s in statements[:2]:
        assert cast(client, conversation, s, 1).status_code == 200
    before = snapshot()
    answer = cast(client, conversation, statements[2], 1)
    assert_error(answer, 429, "rate_limited")
    assert 1 <= int(answer["Retry-After"]) <= 60
    assert snapshot() == before


def test_statement_counts_in_the_list_follow_the_votes(conversation, community, api_client, member):
    statement = conversation.statements.order_by("pk").first()
    a, b = UserFactory(), UserFactory()
    add_member(community, a)
    add_member(community, b)
    cast(api_client(a), conversation, statement, 1)
    cast(api_client(b), conversation, statement, 0)
    cast(api_client(member), conversation, statement, -1)
    cast(api_client(member), conversation, statement, 1)
    rows = api_client(None).get(f"{API}/conversations/{conversation.pk}/statements").json()["items"]
    row = next(r for r in rows if r["id"] == statement.pk)
    assert (row["agree_count"], row["disagree_count"], row["pass_count"]) == (2, 0, 1)
    detail = api_client(None).get(f"{API}/conversations/{conversation.pk}").json()
    assert detail["participant_count"] == 3 and detail["vote_count"] == 3
    assert row["status"] == StatementStatus.ACCEPTED
