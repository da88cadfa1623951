"""Conversations and ideas: a stage decision cites a conversation's report (action,
API, page, timeline), and a challenge's most supported ideas become a
conversation's statements in one step (action, API, the challenge page button)."""

from __future__ import annotations

import pytest

from cocreate.communities.models import Role
from cocreate.consensus import actions
from cocreate.consensus.models import Conversation, Statement
from cocreate.core.errors import Conflict, Forbidden, Invalid, NotFound
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea, StageChange
from tests.challenges.helpers import make_challenge
from tests.conftest import client_for
from tests.consensus.helpers import API, assert_error, post_json, snapshot
from tests.factories import CommunityFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign_conversation():
    other = CommunityFactory()
    boss = UserFactory()
    add_member(other, boss, Role.OWNER)
    return actions.create_conversation(boss, other, title="Far away", statements=["Elsewhere"])


# --- stage decisions citing a conversation ---------------------------------------------------


def test_a_decision_cites_a_conversation_by_id(idea, owner, conversation):
    change = idea_actions.change_stage(
        owner, idea, stage="under_review", reason="The room agrees", conversation=conversation.pk
    )
    assert change.conversation == conversation
    assert StageChange.objects.get(pk=change.pk).conversation_id == conversation.pk
    idea.refresh_from_db()
    assert idea.stage == "under_review"
    # Or by object, and it stays optional.
    change = idea_actions.change_stage(owner, idea, stage="accepted", conversation=conversation)
    assert change.conversation == conversation
    idea.refresh_from_db()
    change = idea_actions.change_stage(owner, idea, stage="in_progress")
    assert change.conversation is None


@pytest.mark.parametrize("which", ["foreign", "missing", "text"])
def test_a_conversation_of_another_community_is_refused(idea, owner, foreign_conversation, which):
    value = {"foreign": foreign_conversation.pk, "missing": 10**9, "text": "abc"}[which]
    start = idea.stage
    with pytest.raises(Invalid) as exc:
        idea_actions.change_stage(owner, idea, stage="under_review", conversation=value)
    assert list(exc.value.fields) == ["conversation"]
    idea.refresh_from_db()
    assert idea.stage == start
    assert not StageChange.objects.filter(idea=idea, to_stage="under_review").exists()


def test_the_api_takes_and_shows_the_conversation(idea, owner, conversation, challenge, api_client):
    client = api_client(owner)
    answer = post_json(
        client,
        f"{API}/ideas/{idea.pk}/stage",
        {"stage": "under_review", "reason": "See the report", "conversation": conversation.pk},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["stage"] == "under_review"
    change = StageChange.objects.get(idea=idea, to_stage="under_review")
    assert change.conversation_id == conversation.pk
    history = client.get(f"{API}/ideas/{idea.pk}/history").json()["items"]
    assert [h["conversation"] for h in history if h["to_stage"] == "under_review"] == [
        conversation.pk
    ]
    decisions = client.get(f"{API}/challenges/{challenge.pk}/decisions").json()["items"]
    assert conversation.pk in [d["conversation"] for d in decisions]


def test_the_api_refuses_a_foreign_conversation_naming_the_field(
    idea, owner, foreign_conversation, api_client
):
    start = idea.stage
    answer = post_json(
        api_client(owner),
        f"{API}/ideas/{idea.pk}/stage",
        {"stage": "under_review", "conversation": foreign_conversation.pk},
    )
    assert_error(answer, 422, "invalid", "conversation")
    idea.refresh_from_db()
    assert idea.stage == start


def test_the_idea_page_links_the_report_from_its_timeline(idea, owner, member, conversation):
    staff_page = client_for(owner).get(f"/ideas/{idea.pk}/")
    choices = dict(staff_page.context["stage_form"].fields["conversation"].choices)
    assert conversation.pk in choices
    answer = client_for(owner).post(
        f"/ideas/{idea.pk}/stage/",
        {"stage": "under_review", "reason": "The room agrees", "conversation": conversation.pk},
    )
    assert answer.status_code == 302
    assert StageChange.objects.get(to_stage="under_review").conversation == conversation
    for viewer in (member, None):
        page = client_for(viewer).get(f"/ideas/{idea.pk}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert f'href="/conversations/{conversation.pk}/report/"' in text
        assert conversation.title in text


def test_the_page_refuses_a_foreign_conversation(idea, owner, foreign_conversation):
    start = idea.stage
    answer = client_for(owner).post(
        f"/ideas/{idea.pk}/stage/",
        {"stage": "under_review", "conversation": foreign_conversation.pk},
    )
    assert answer.status_code == 422
    idea.refresh_from_db()
    assert idea.stage == start


def test_decisions_may_cite_conversations_about_the_idea_its_challenge_or_the_community(
    idea, owner, community, challenge
):
    from cocreate.consensus.queries import conversations_for

    about_idea = actions.create_conversation(owner, community, title="Idea", idea=idea)
    about_challenge = actions.create_conversation(owner, community, title="C", challenge=challenge)
    general = actions.create_conversation(owner, community, title="General")
    elsewhere = actions.create_conversation(
        owner, community, title="Other challenge", challenge=make_challenge(owner, community)
    )
    offered = set(conversations_for(idea))
    assert {about_idea, about_challenge, general} <= offered
    assert elsewhere not in offered


# --- a challenge's top ideas as statements --------------------------------------------------


@pytest.fixture
def ideas(challenge, make_members):
    """Five ideas with 5, 40, 12, 0 and 25 supporters (as stored counts)."""
    writers = make_members(5)
    made = []
    for i, (title, support) in enumerate(
        [
            ("Solar roofs", 5),
            ("Free buses", 40),
            ("More trees", 12),
            ("A zoo", 0),
            ("Bike lanes", 25),
        ]
    ):
        idea = idea_actions.submit_idea(writers[i], challenge, title=title, body=f"About {title}")
        Idea.objects.filter(pk=idea.pk).update(support_count=support)
        made.append(idea)
    return made


def test_the_most_supported_ideas_become_seed_statements(challenge, ideas, owner):
    conversation = actions.statements_from_ideas(owner, challenge, count=3)
    statements = list(conversation.statements.order_by("pk"))
    assert [s.body for s in statements] == ["Free buses", "Bike lanes", "More trees"]
    assert [s.idea.title for s in statements] == ["Free buses", "Bike lanes", "More trees"]
    assert all(s.is_seed and s.status == "accepted" for s in statements)
    assert conversation.challenge == challenge and conversation.community == challenge.community
    assert conversation.statement_count == 3
    assert challenge.title in conversation.title
    assert conversation.created_by == owner


def test_ideas_hidden_by_moderators_are_left_out(challenge, ideas, owner):
    Idea.objects.filter(title="Free buses").update(moderation="hidden")
    conversation = actions.statements_from_ideas(owner, challenge, count=2, title="Pick two")
    assert conversation.title == "Pick two"
    assert [s.body for s in conversation.statements.order_by("pk")] == ["Bike lanes", "More trees"]


def test_ideas_with_the_same_title_make_one_statement(challenge, ideas, owner, author):
    twin = idea_actions.submit_idea(author, challenge, title="free  BUSES", body="Again")
    Idea.objects.filter(pk=twin.pk).update(support_count=39)
    conversation = actions.statements_from_ideas(owner, challenge, count=3)
    assert [s.body for s in conversation.statements.order_by("pk")] == ["Free buses", "Bike lanes"]


def test_fewer_than_two_ideas_is_a_conflict(challenge, idea, owner):
    before = snapshot()
    with pytest.raises(Conflict):
        actions.statements_from_ideas(owner, challenge)
    assert snapshot() == before
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("count", [1, 0, 51, -3, True, "5", 2.5, None])
def test_the_count_must_be_two_to_fifty(challenge, ideas, owner, count):
    with pytest.raises(Invalid) as exc:
        actions.statements_from_ideas(owner, challenge, count=count)
    assert list(exc.value.fields) == ["count"]
    assert not Conversation.objects.exists()


def test_only_staff_turn_ideas_into_statements(challenge, ideas, moderator, member, outsider):
    before = snapshot()
    for person in (moderator, member, outsider, None):
        with pytest.raises(Forbidden):
            actions.statements_from_ideas(person, challenge)
    assert snapshot() == before


def test_a_draft_challenge_is_for_its_own_communitys_staff(owner, community, staff):
    draft = make_challenge(owner, community, publish=False)
    # Its staff see the draft: it simply has no ideas yet.
    with pytest.raises(Conflict):
        actions.statements_from_ideas(staff, draft)
    # Owning another community gives nothing here.
    other = CommunityFactory()
    stranger = UserFactory()
    add_member(other, stranger, Role.OWNER)
    with pytest.raises((Forbidden, NotFound)):
        actions.statements_from_ideas(stranger, draft)
    assert not Conversation.objects.exists()


def test_the_api_turns_ideas_into_a_conversation(challenge, ideas, owner, member, api_client):
    url = f"{API}/challenges/{challenge.pk}/conversation"
    answer = post_json(api_client(owner), url, {"count": 2, "moderation": "pre"})
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["challenge"] == challenge.pk and data["statement_count"] == 2
    assert data["moderation"] == "pre"
    statements = api_client(member).get(f"{API}/conversations/{data['id']}/statements").json()
    assert [s["idea"] for s in statements["items"]] == [ideas[1].pk, ideas[4].pk]
    before = snapshot()
    assert_error(post_json(api_client(member), url, {}), 403, "forbidden")
    assert_error(post_json(api_client(owner), url, {"count": 1}), 422, "invalid", "count")
    assert_error(post_json(api_client(owner), url, {"count": 51}), 422, "invalid", "count")
    assert_error(
        post_json(api_client(owner), url, {"moderation": "x"}), 422, "invalid", "moderation"
    )
    assert_error(post_json(api_client(None), url, {}), 401, "unauthenticated")
    assert snapshot() == before


def test_the_api_answers_409_with_too_few_ideas(challenge, idea, owner, api_client):
    answer = post_json(api_client(owner), f"{API}/challenges/{challenge.pk}/conversation", {})
    assert_error(answer, 409, "conflict")


def test_the_challenge_page_button_makes_the_conversation(challenge, ideas, owner, member):
    action = f'action="/challenges/{challenge.pk}/conversation/"'
    assert action in client_for(owner).get(f"/challenges/{challenge.pk}/").content.decode()
    assert action not in client_for(member).get(f"/challenges/{challenge.pk}/").content.decode()
    answer = client_for(owner).post(f"/challenges/{challenge.pk}/conversation/", {"count": "4"})
    conversation = Conversation.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/conversations/{conversation.pk}/"
    assert conversation.statement_count == 4
    assert Statement.objects.filter(idea__isnull=False).count() == 4
    # It is listed on the challenge page.
    page = client_for(member).get(f"/challenges/{challenge.pk}/").content.decode()
    assert f'href="/conversations/{conversation.pk}/"' in page


def test_the_challenge_page_button_refuses_members_and_bad_counts(challenge, ideas, owner, member):
    url = f"/challenges/{challenge.pk}/conversation/"
    assert client_for(member).post(url, {"count": "3"}).status_code == 403
    assert client_for(owner).post(url, {"count": "1"}).status_code == 422
    assert client_for(owner).post(url, {"count": "many"}).status_code == 422
    assert client_for(None).post(url).status_code == 302  # to sign in
    assert client_for(owner).get(url).status_code == 405
    assert not Conversation.objects.exists()
