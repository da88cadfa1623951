"""Who is told of what: one test per kind of event, never the person who did it,
never someone who cannot see it, per-kind mutes, and a consumer that can run again
without telling anyone twice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from cocreate.accounts.actions import create_token
from cocreate.challenges import actions as challenge_actions
from cocreate.communities import actions as community_actions
from cocreate.core.consumers import REGISTRY, run_consumer
from cocreate.core.models import ConsumerCursor, Event
from cocreate.dialogue import actions as dialogue
from cocreate.dialogue import moderation
from cocreate.ideas import actions as idea_actions
from cocreate.notifications import actions
from cocreate.notifications.consumers import notify
from cocreate.notifications.models import Kind, Notification
from tests.challenges.helpers import make_challenge, open_submission
from tests.conftest import client_for
from tests.factories import add_member
from tests.notifications.helpers import API, deliver, kinds, told

pytestmark = pytest.mark.django_db


def api_items(user):
    deliver()
    _token, raw = create_token(user, name="peek")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get(f"{API}/notifications")
    assert response.status_code == 200, response.content
    return response.json()["items"]


def follow(user, **target):
    deliver()  # automatic follows of earlier events first
    return actions.follow(user, **target)


# --- idea submitted --------------------------------------------------------------------------


def test_a_new_idea_reaches_followers_of_its_challenge_community_and_author(
    community, challenge, author, member, make_members
):
    by_challenge, by_community, by_person, by_all, bystander = make_members(5)
    follow(by_challenge, challenge=challenge)
    follow(by_community, community=community)
    follow(by_person, person=author)
    for target in ({"challenge": challenge}, {"community": community}, {"person": author}):
        follow(by_all, **target)

    idea = idea_actions.submit_idea(author, challenge, title="Reusable crates", body="Sturdy.")

    assert told(Kind.IDEA_SUBMITTED) == {by_challenge.pk, by_community.pk, by_person.pk, by_all.pk}
    assert kinds(by_all) == ["idea_submitted"]  # one notification, however many follows
    assert kinds(bystander) == [] and kinds(author) == []
    row = Notification.objects.get(user=by_person)
    assert (row.idea_id, row.challenge_id, row.community_id, row.actor_id) == (
        idea.pk,
        challenge.pk,
        community.pk,
        author.pk,
    )
    item = api_items(by_person)[0]
    assert item["kind"] == "idea_submitted" and item["idea"] == idea.pk
    assert "Reusable crates" in item["text"] and author.display_name in item["text"]
    assert item["url"] == f"/ideas/{idea.pk}/"


def test_an_author_following_their_own_challenge_is_not_told_of_their_idea(
    challenge, author, community
):
    follow(author, challenge=challenge)
    follow(author, community=community)
    idea_actions.submit_idea(author, challenge, title="Mine", body="All mine.")
    assert kinds(author) == []


def test_a_new_idea_in_a_private_community_reaches_no_follower_outside_it(
    private_space, author, outsider, make_members
):
    [insider] = make_members(1)
    add_member(private_space.community, insider)
    follow(outsider, person=author)  # people can be followed from anywhere
    follow(insider, person=author)

    idea_actions.submit_idea(author, private_space.challenge, title="Hush", body="Quiet plan.")

    assert told(Kind.IDEA_SUBMITTED) == {insider.pk}
    assert kinds(outsider) == []


# --- edits --------------------------------------------------------------------------------


def test_supporters_and_followers_hear_of_material_edits_not_small_ones(
    idea, author, member, make_members
):
    [fan, watcher, other] = make_members(3)
    idea_actions.support(member, idea)
    idea_actions.support(fan, idea)
    follow(watcher, idea=idea)
    deliver()

    idea_actions.edit_idea(author, idea, body=idea.body + " Small fix.")
    assert told(Kind.IDEA_CHANGED) == set()

    idea_actions.edit_idea(
        author,
        idea,
        body="A completely different plan: a deposit on every bottle, paid back at any shop.",
    )
    assert told(Kind.IDEA_CHANGED) == {member.pk, fan.pk, watcher.pk}

    idea_actions.edit_idea(author, idea, title="Deposit bottles")
    assert kinds(member) == ["idea_changed", "idea_changed"]
    assert kinds(author) == [] and kinds(other) == []
    assert "Deposit bottles" in api_items(watcher)[0]["text"]


# --- stages and milestones ----------------------------------------------------------------


def test_a_stage_change_tells_followers_with_the_reason(idea, author, member, staff):
    idea_actions.support(member, idea)
    deliver()
    idea_actions.change_stage(staff, idea, stage="under_review", reason="The board meets Friday")
    idea_actions.change_stage(staff, idea, stage="declined", reason="Too costly for now")

    assert told(Kind.STAGE_CHANGED) == {author.pk, member.pk}
    assert kinds(staff) == []
    newest, older = api_items(author)[:2]
    assert newest["kind"] == older["kind"] == "stage_changed"
    assert newest["excerpt"] == "Too costly for now" and "Declined" in newest["text"]
    assert older["excerpt"] == "The board meets Friday" and "Under review" in older["text"]
    page = client_for(member).get("/notifications/").content.decode()
    assert "Too costly for now" in page and "The board meets Friday" in page


@pytest.fixture
def ladder_idea(community, owner, author):
    idea_actions.set_ladder(
        owner, community, [{"threshold": 2, "days": 10}, {"threshold": 3, "days": 20}]
    )
    board = make_challenge(owner, community, phases=open_submission(), title="Ladder board")
    return idea_actions.submit_idea(author, board, title="Solar benches", body="Charge phones.")


def test_a_milestone_tells_everyone_following_including_the_supporters(
    ladder_idea, author, make_members
):
    first, second, watcher, bystander = make_members(4)
    follow(watcher, idea=ladder_idea)
    idea_actions.support(first, ladder_idea)
    assert told(Kind.MILESTONE) == set()

    idea_actions.support(second, ladder_idea)  # the second support reaches the first step

    assert told(Kind.MILESTONE) == {author.pk, first.pk, second.pk, watcher.pk}
    assert kinds(bystander) == []
    [item] = [i for i in api_items(watcher) if i["kind"] == "milestone"]
    assert "Solar benches" in item["text"] and "2" in item["text"]


# --- comments -------------------------------------------------------------------------------


def test_a_comment_tells_the_ideas_followers(idea, author, member, make_members):
    [watcher, bystander] = make_members(2)
    follow(watcher, idea=idea)
    dialogue.post_comment(member, idea, body="Could shops share the cleaning?")

    assert told(Kind.COMMENT) == {author.pk, watcher.pk}
    assert kinds(member) == [] and kinds(bystander) == []
    [item] = api_items(watcher)
    assert item["excerpt"] == "Could shops share the cleaning?"
    assert item["url"].startswith("/comments/")


def test_a_comment_on_a_challenge_tells_its_followers(challenge, owner, member, make_members):
    [watcher, talker] = make_members(2)
    follow(watcher, challenge=challenge)
    dialogue.post_comment(talker, challenge, body="Is cardboard in scope?")
    assert told(Kind.COMMENT) == {watcher.pk}
    assert kinds(talker) == []


def test_a_reply_tells_the_parent_author_as_a_reply_and_others_as_a_comment(
    idea, author, member, make_members
):
    [asker, watcher] = make_members(2)
    follow(watcher, idea=idea)
    top = dialogue.post_comment(asker, idea, body="How big are they?")
    deliver()
    Notification.objects.all().delete()

    dialogue.post_comment(member, idea, body="About a litre", parent=top)

    assert kinds(asker) == ["reply"]
    assert told(Kind.COMMENT) == {author.pk, watcher.pk}
    assert kinds(member) == []


def test_replying_to_oneself_tells_nobody_of_a_reply(idea, author, member):
    top = dialogue.post_comment(member, idea, body="One thought")
    dialogue.post_comment(member, idea, body="And another", parent=top)
    assert told(Kind.REPLY) == set()
    assert kinds(author) == ["comment", "comment"]


def test_an_official_answer_is_its_own_kind(idea, author, member, staff, make_members):
    [watcher] = make_members(1)
    follow(watcher, idea=idea)
    question = dialogue.post_comment(member, idea, body="Will you fund this?")
    deliver()
    Notification.objects.all().delete()

    dialogue.post_comment(staff, idea, body="Yes, in spring.", parent=question, official=True)
    dialogue.post_comment(staff, idea, body="Budget is set.", official=True)

    assert kinds(member) == ["reply", "official_answer"]
    assert kinds(watcher) == ["official_answer", "official_answer"]
    assert kinds(author) == ["official_answer", "official_answer"]
    assert kinds(staff) == []
    assert "officially" in api_items(watcher)[0]["text"]


# --- challenges -----------------------------------------------------------------------------


def test_publishing_a_challenge_tells_the_communitys_followers(
    community, owner, staff, member, make_members
):
    [bystander] = make_members(1)
    follow(member, community=community)
    follow(owner, community=community)  # the one who publishes is not told

    draft = make_challenge(owner, community, title="Quieter streets", publish=False)
    assert told(Kind.CHALLENGE_PUBLISHED) == set()  # creating a draft tells nobody

    challenge_actions.publish_challenge(owner, draft)

    assert told(Kind.CHALLENGE_PUBLISHED) == {member.pk}
    assert kinds(bystander) == [] and kinds(staff) == []
    [item] = api_items(member)
    assert item["challenge"] == draft.pk and "Quieter streets" in item["text"]
    assert item["url"] == f"/challenges/{draft.pk}/"


# --- never someone who cannot see it --------------------------------------------------------


def test_followers_of_a_hidden_idea_are_not_told_of_it_but_moderators_are(
    idea, author, member, moderator, staff, make_members
):
    idea_actions.support(member, idea)
    follow(moderator, idea=idea)
    for person in make_members(3):
        moderation.flag(person, idea, reason="spam")
    deliver()
    Notification.objects.all().delete()

    idea_actions.change_stage(staff, idea, stage="under_review", reason="Checking")

    assert told(Kind.STAGE_CHANGED) == {moderator.pk}
    assert kinds(member) == [] and kinds(author) == []


def test_a_follower_who_left_the_private_community_is_not_told(private_space, author, make_members):
    [leaver] = make_members(1)
    add_member(private_space.community, leaver)
    follow(leaver, challenge=private_space.challenge)
    community_actions.leave(leaver, private_space.community)

    idea_actions.submit_idea(author, private_space.challenge, title="Hush", body="Quiet plan.")

    assert kinds(leaver) == []


def test_an_inactive_follower_is_not_told(challenge, author, member):
    follow(member, challenge=challenge)
    member.is_active = False
    member.save(update_fields=["is_active"])
    idea_actions.submit_idea(author, challenge, title="Crates", body="Wooden.")
    assert kinds(member) == []


# --- mutes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("muted", ["comment", "stage_changed", "idea_changed"])
def test_a_muted_kind_is_not_created_but_the_others_are(idea, author, member, staff, muted):
    idea_actions.support(member, idea)
    deliver()
    actions.set_preferences(member, muted_kinds=[muted])

    dialogue.post_comment(author, idea, body="Thanks everyone")
    idea_actions.edit_idea(author, idea, title="Refill everywhere")
    idea_actions.change_stage(staff, idea, stage="under_review", reason="Looking")

    expected = [k for k in ("comment", "idea_changed", "stage_changed") if k != muted]
    assert kinds(member) == expected


def test_muting_new_ideas_and_challenges_for_a_community_follower(
    community, owner, challenge, author, member
):
    follow(member, community=community)
    actions.set_preferences(member, muted_kinds=["idea_submitted", "challenge_published"])
    idea_actions.submit_idea(author, challenge, title="Crates", body="Wooden.")
    make_challenge(owner, community, title="Second")
    assert kinds(member) == []
    actions.set_preferences(member, muted_kinds=[])
    make_challenge(owner, community, title="Third")
    assert kinds(member) == ["challenge_published"]


def test_a_muted_reply_is_not_turned_into_a_comment(idea, author, member):
    top = dialogue.post_comment(member, idea, body="Question")
    deliver()
    actions.set_preferences(member, muted_kinds=["reply"])
    dialogue.post_comment(author, idea, body="Answer", parent=top)
    assert kinds(member) == []


# --- the consumer is idempotent -------------------------------------------------------------


def test_running_the_consumer_again_over_the_same_events_creates_nothing_new(
    idea, author, member, staff, make_members
):
    [watcher] = make_members(1)
    follow(watcher, idea=idea)
    actions.set_preferences(watcher, email_mode="each")
    dialogue.post_comment(member, idea, body="Hello")
    idea_actions.change_stage(staff, idea, stage="under_review", reason="Looking")
    deliver()
    rows = sorted(Notification.objects.values_list("pk", "user_id", "event_id", "kind"))
    emails = len(mail.outbox)
    assert rows and emails == 2

    ConsumerCursor.objects.filter(name="notifications").update(last_event_id=0)
    assert run_consumer(REGISTRY["notifications"]) > 0  # every event handled again

    assert sorted(Notification.objects.values_list("pk", "user_id", "event_id", "kind")) == rows
    assert len(mail.outbox) == emails


def test_handling_one_event_twice_directly_creates_one_notification(idea, author, member):

    dialogue.post_comment(member, idea, body="Hello")
    deliver()
    event = Event.objects.get(kind="comment.posted")
    notify(event)
    notify(event)
    assert Notification.objects.filter(user=author, event=event).count() == 1
