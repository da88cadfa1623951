"""The conversation actions: starting one (seeds deduplicated, at most 100, what
it may be about), changing it (closing stops the votes), statements (pre and
post moderation, duplicates, length, NUL, the hourly limit), moderation (counts,
version, and what the next computation leaves out), and votes (counters always
equal the rows; refused votes change nothing)."""

from __future__ import annotations

import pytest
from django.db.models import Count

from cocreate.communities.models import Community, Membership, Role
from cocreate.consensus import actions, compute, queries
from cocreate.consensus.models import (
    Conversation,
    ConversationStatus,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from cocreate.core.errors import Conflict, Forbidden, Invalid, RateLimited
from cocreate.core.models import Event
from tests.challenges.helpers import make_challenge
from tests.consensus.conftest import SEEDS
from tests.consensus.helpers import assert_counts_exact, make_voters, plant, snapshot
from tests.factories import CommunityFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

FOREVER = "9999-01-01T00:00:00+00:00"


def sanction(community, user, **fields) -> None:
    Membership.objects.filter(community=community, user=user).update(**fields)


def allow_members(community) -> None:
    Community.objects.filter(pk=community.pk).update(members_start_conversations=True)
    community.refresh_from_db()


# --- starting a conversation ---------------------------------------------------------------


def test_seeds_from_a_textarea_are_one_line_each_and_deduplicated(owner, community):
    text = "Trees matter\n\n   trees   MATTER \nA pond\r\n  \nA  pond\nBenches everywhere\n"
    conversation = actions.create_conversation(
        owner, community, title="  Our park  ", description="**Big** question", statements=text
    )
    bodies = list(conversation.statements.order_by("pk").values_list("body", flat=True))
    assert bodies == ["Trees matter", "A pond", "Benches everywhere"]
    assert conversation.title == "Our park"
    assert "<strong>Big</strong>" in conversation.description_html
    assert conversation.statement_count == 3
    assert conversation.status == ConversationStatus.OPEN and conversation.moderation == "post"
    for s in conversation.statements.all():
        assert s.is_seed and s.status == StatementStatus.ACCEPTED
        assert s.author == owner and s.moderated_by == owner and s.moderated_at is not None
    [event] = Event.objects.filter(kind="conversation.created")
    assert event.data["statements"] == 3 and event.target_id == conversation.pk
    # Seeds are not votes: nobody takes part yet.
    assert conversation.participant_count == 0 and conversation.vote_count == 0
    assert_counts_exact()


def test_seed_whitespace_inside_is_collapsed(owner, community):
    conversation = actions.create_conversation(
        owner, community, title="T", statements=["Keep\tthe   old\ntrees"]
    )
    assert conversation.statements.get().body == "Keep the old trees"


def test_one_hundred_seeds_is_the_most(owner, community):
    conversation = actions.create_conversation(
        owner, community, title="Many", statements=[f"Statement {i}" for i in range(100)]
    )
    assert conversation.statement_count == 100 == conversation.statements.count()
    before = snapshot()
    with pytest.raises(Invalid) as exc:
        actions.create_conversation(
            owner, community, title="Too many", statements=[f"Statement {i}" for i in range(101)]
        )
    assert "statements" in exc.value.fields
    assert snapshot() == before


def test_duplicates_do_not_count_towards_the_hundred(owner, community):
    seeds = [f"Statement {i}" for i in range(100)] + [f"STATEMENT {i}" for i in range(50)]
    conversation = actions.create_conversation(owner, community, title="Dupes", statements=seeds)
    assert conversation.statement_count == 100


@pytest.mark.parametrize(
    ("seeds", "number"),
    [(["Fine", "x" * 301], "2"), (["Fine", "", "Also fine"], "2"), (["A\x00B"], "1")],
)
def test_a_bad_seed_is_refused_naming_its_number(owner, community, seeds, number):
    before = snapshot()
    with pytest.raises(Invalid) as exc:
        actions.create_conversation(owner, community, title="T", statements=seeds)
    assert list(exc.value.fields) == ["statements"]
    assert number in exc.value.fields["statements"][0]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "A\x00B"}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"moderation": "sometimes"}, "moderation"),
        ({"moderation": ""}, "moderation"),
        ({"moderation": None}, "moderation"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(owner, community, fields, field):
    before = snapshot()
    with pytest.raises(Invalid) as exc:
        actions.create_conversation(owner, community, **{"title": "T", **fields})
    assert field in exc.value.fields
    assert snapshot() == before


def test_about_a_challenge_or_an_idea_of_the_community(owner, community, challenge, idea):
    about_challenge = actions.create_conversation(owner, community, title="C", challenge=challenge)
    assert about_challenge.challenge == challenge and about_challenge.idea is None
    about_idea = actions.create_conversation(owner, community, title="I", idea=idea)
    # An idea brings its challenge along.
    assert about_idea.idea == idea and about_idea.challenge == challenge


def test_a_challenge_or_idea_of_another_community_is_refused(owner, community):
    other = CommunityFactory()
    boss = UserFactory()
    add_member(other, boss, Role.OWNER)
    foreign_challenge = make_challenge(boss, other)
    from cocreate.ideas import actions as idea_actions

    writer = UserFactory()
    add_member(other, writer)
    foreign_idea = idea_actions.submit_idea(writer, foreign_challenge, title="Far", body="Away")
    before = snapshot()
    with pytest.raises(Invalid) as exc:
        actions.create_conversation(owner, community, title="T", challenge=foreign_challenge)
    assert list(exc.value.fields) == ["challenge"]
    with pytest.raises(Invalid) as exc:
        actions.create_conversation(owner, community, title="T", idea=foreign_idea)
    assert list(exc.value.fields) == ["idea"]
    assert snapshot() == before


def test_a_draft_challenge_the_creator_cannot_see_is_refused(owner, community, member):
    draft = make_challenge(owner, community, publish=False)
    allow_members(community)
    with pytest.raises(Invalid) as exc:
        actions.create_conversation(member, community, title="T", challenge=draft)
    assert "challenge" in exc.value.fields
    assert not Conversation.objects.exists()


def test_only_community_managers_start_conversations_by_default(
    community, owner, staff, site_staff, moderator, member, outsider
):
    for person in (owner, staff, site_staff):
        actions.create_conversation(person, community, title=f"By {person.display_name}")
    before = snapshot()
    for person in (moderator, member, outsider, None):
        with pytest.raises(Forbidden):
            actions.create_conversation(person, community, title="Nope", statements=["A"])
    assert snapshot() == before
    assert Conversation.objects.count() == 3


def test_members_start_conversations_when_the_community_allows_it(
    community, member, moderator, outsider
):
    allow_members(community)
    mine = actions.create_conversation(member, community, title="Mine", statements=["A", "B"])
    assert mine.created_by == member
    actions.create_conversation(moderator, community, title="Moderated")
    # Whoever started it runs it: settings and moderation, not export.
    from cocreate.core.permissions import can

    assert can(member, "conversation.manage", mine)
    assert can(member, "statement.moderate", mine)
    assert not can(member, "conversation.export", mine)
    actions.edit_conversation(member, mine, title="Mine, renamed")
    before = snapshot()
    with pytest.raises(Forbidden):
        actions.create_conversation(outsider, community, title="Nope")
    muted = UserFactory()
    add_member(community, muted)
    sanction(community, muted, muted_until=FOREVER)
    with pytest.raises(Forbidden):
        actions.create_conversation(muted, community, title="Nope")
    unconfirmed = UserFactory(email_confirmed_at=None)
    add_member(community, unconfirmed)
    with pytest.raises(Forbidden):
        actions.create_conversation(unconfirmed, community, title="Nope")
    assert snapshot() == before


# --- changing it -------------------------------------------------------------------------------


def test_editing_changes_the_fields_and_records_an_event(conversation, owner):
    actions.edit_conversation(
        owner,
        conversation,
        title="New title",
        description="_why_",
        moderation="pre",
        allow_statements=False,
    )
    conversation.refresh_from_db()
    assert conversation.title == "New title"
    assert "<em>why</em>" in conversation.description_html
    assert conversation.moderation == "pre" and not conversation.allow_statements
    [event] = Event.objects.filter(kind="conversation.changed")
    assert event.data["fields"] == [
        "allow_statements",
        "description",
        "description_html",
        "moderation",
        "title",
    ]
    # Nothing asked: nothing changed, no event.
    actions.edit_conversation(owner, conversation)
    assert Event.objects.filter(kind="conversation.changed").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "paused"}, "status"),
        ({"moderation": "later"}, "moderation"),
        ({"title": ""}, "title"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(conversation, owner, fields, field):
    before = snapshot()
    with pytest.raises(Invalid) as exc:
        actions.edit_conversation(owner, conversation, **fields)
    assert field in exc.value.fields
    assert snapshot() == before


def test_only_those_who_run_it_may_edit(conversation, moderator, member, outsider):
    before = snapshot()
    for person in (moderator, member, outsider, None):
        with pytest.raises(Forbidden):
            actions.edit_conversation(person, conversation, status="closed")
    assert snapshot() == before


def test_closing_stops_votes_and_statements_and_reopening_allows_them(conversation, owner, member):
    statement = conversation.statements.first()
    actions.vote(member, statement, 1)
    actions.edit_conversation(owner, conversation, status="closed")
    conversation.refresh_from_db()
    assert not conversation.is_open
    before = snapshot()
    with pytest.raises(Forbidden):
        actions.vote(member, statement, -1)
    with pytest.raises(Forbidden):
        actions.vote(member, conversation.statements.last(), 1)
    with pytest.raises(Forbidden):
        actions.add_statement(member, conversation, body="Too late")
    with pytest.raises(Forbidden):
        actions.add_statement(owner, conversation, body="Too late for us as well")
    assert snapshot() == before
    participant = queries.participant_of(conversation, member)
    assert queries.next_statement(conversation, participant) is None
    actions.edit_conversation(owner, conversation, status="open")
    conversation.refresh_from_db()
    actions.vote(member, statement, -1)
    assert Vote.objects.get().value == -1
    assert_counts_exact()


# --- statements --------------------------------------------------------------------------------


def test_post_moderation_shows_a_members_statement_at_once(conversation, member):
    statement = actions.add_statement(member, conversation, body="  Add   a skate park  ")
    conversation.refresh_from_db()
    assert statement.body == "Add a skate park"
    assert statement.status == StatementStatus.ACCEPTED
    assert not statement.is_seed and statement.author == member
    assert statement.moderated_by is None
    assert conversation.statement_count == len(SEEDS) + 1
    # Writing is taking part.
    assert conversation.participant_count == 1
    assert Participant.objects.get(conversation=conversation).user == member
    assert queries.votable(conversation).filter(pk=statement.pk).exists()
    [event] = Event.objects.filter(kind="statement.added")
    assert event.data == {"statement": statement.pk, "pending": False}
    assert_counts_exact()


def test_pre_moderation_holds_members_statements_not_the_organisers(
    conversation, owner, moderator, member
):
    actions.edit_conversation(owner, conversation, moderation="pre")
    held = actions.add_statement(member, conversation, body="Add a skate park")
    conversation.refresh_from_db()
    assert held.status == StatementStatus.PENDING
    assert conversation.statement_count == len(SEEDS)
    assert not queries.votable(conversation).filter(pk=held.pk).exists()
    assert Event.objects.get(kind="statement.added").data["pending"] is True
    # Organisers and moderators write seeds, accepted at once.
    by_owner = actions.add_statement(owner, conversation, body="Add a bandstand")
    by_moderator = actions.add_statement(moderator, conversation, body="Add a fountain")
    for s in (by_owner, by_moderator):
        assert s.status == StatementStatus.ACCEPTED and s.is_seed
    conversation.refresh_from_db()
    assert conversation.statement_count == len(SEEDS) + 2
    assert list(queries.pending(conversation)) == [held]
    assert_counts_exact()


@pytest.mark.parametrize(
    "body", ["The park should keep its old trees", "THE PARK  should keep its OLD trees"]
)
def test_a_duplicate_statement_is_a_conflict(conversation, member, body):
    before = snapshot()
    with pytest.raises(Conflict):
        actions.add_statement(member, conversation, body=body)
    assert snapshot() == before


def test_a_pending_statement_blocks_its_duplicate_a_rejected_one_does_not(
    conversation, owner, member, moderator
):
    actions.edit_conversation(owner, conversation, moderation="pre")
    held = actions.add_statement(member, conversation, body="Add a skate park")
    with pytest.raises(Conflict):
        actions.add_statement(owner, conversation, body="add a SKATE park")
    actions.moderate_statement(moderator, held, status="rejected")
    again = actions.add_statement(owner, conversation, body="add a SKATE park")
    assert again.status == StatementStatus.ACCEPTED


@pytest.mark.parametrize(
    "body", ["", "   ", "x" * 301, "A\x00B", None], ids=["empty", "blank", "301", "nul", "none"]
)
def test_a_bad_statement_is_refused_naming_the_body(conversation, member, body):
    before = snapshot()
    with pytest.raises(Invalid) as exc:
        actions.add_statement(member, conversation, body=body)
    assert list(exc.value.fields) == ["body"]
    assert snapshot() == before


def test_three_hundred_characters_is_the_longest_statement(conversation, member):
    statement = actions.add_statement(member, conversation, body="y" * 300)
    assert len(statement.body) == 300


def test_members_add_at_most_twenty_statements_an_hour(conversation, member, owner):
    assert actions.STATEMENTS_PER_HOUR == 20
    for i in range(20):
        actions.add_statement(member, conversation, body=f"My view number {i}")
    before = snapshot()
    with pytest.raises(RateLimited) as exc:
        actions.add_statement(member, conversation, body="One more view")
    assert 1 <= exc.value.retry_after <= 3600
    assert exc.value.status == 429
    assert snapshot() == before
    # Organisers are not limited.
    for i in range(22):
        actions.add_statement(owner, conversation, body=f"Organiser view {i}")


def test_who_may_add_statements(conversation, community, owner, staff, moderator, member, outsider):
    for i, person in enumerate((owner, staff, moderator, member)):
        actions.add_statement(person, conversation, body=f"A view from person {i}")
    before = snapshot()
    for person in (outsider, None):
        with pytest.raises(Forbidden):
            actions.add_statement(person, conversation, body="Let me in")
    assert snapshot() == before
    # Without member statements only the organisers write.
    actions.edit_conversation(owner, conversation, allow_statements=False)
    with pytest.raises(Forbidden):
        actions.add_statement(member, conversation, body="Members are quiet now")
    with pytest.raises(Forbidden):
        actions.add_statement(moderator, conversation, body="Moderators are members here")
    actions.add_statement(staff, conversation, body="Staff still write")


def test_muted_members_vote_but_do_not_write(conversation, community, member):
    sanction(community, member, muted_until=FOREVER)
    statement = conversation.statements.first()
    actions.vote(member, statement, 1)
    before = snapshot()
    with pytest.raises(Forbidden):
        actions.add_statement(member, conversation, body="I am muted")
    assert snapshot() == before
    assert Vote.objects.filter(statement=statement).count() == 1


def test_banned_members_neither_vote_nor_write(conversation, community, member):
    sanction(community, member, banned_until=FOREVER)
    before = snapshot()
    with pytest.raises(Forbidden):
        actions.vote(member, conversation.statements.first(), 1)
    with pytest.raises(Forbidden):
        actions.add_statement(member, conversation, body="I am banned")
    assert snapshot() == before


# --- moderation --------------------------------------------------------------------------------


def test_moderation_moves_the_statement_count_and_the_version(
    conversation, owner, moderator, member
):
    actions.edit_conversation(owner, conversation, moderation="pre")
    held = actions.add_statement(member, conversation, body="Add a skate park")
    conversation.refresh_from_db()
    version, count = conversation.version, conversation.statement_count

    def state():
        conversation.refresh_from_db()
        return conversation.statement_count - count, conversation.version - version

    actions.moderate_statement(moderator, held, status="accepted")
    assert state() == (1, 1)
    held.refresh_from_db()
    assert held.moderated_by == moderator and held.moderated_at is not None
    actions.moderate_statement(moderator, held, is_meta=True)
    assert state() == (1, 2)  # meta stays listed and votable
    assert queries.votable(conversation).filter(pk=held.pk).exists()
    actions.moderate_statement(moderator, held, status="rejected")
    assert state() == (0, 3)
    actions.moderate_statement(moderator, held, status="rejected", is_meta=True)  # no change
    assert state() == (0, 3)
    actions.moderate_statement(moderator, held, is_meta=False)
    assert state() == (0, 4)
    # Rejecting a pending statement: never listed, so the count stays.
    other = actions.add_statement(member, conversation, body="Add a zoo")
    actions.moderate_statement(owner, other, status="rejected")
    assert state() == (0, 5)
    kinds = Event.objects.filter(kind="statement.moderated").values_list("data", flat=True)
    assert len(kinds) == 5
    assert_counts_exact()


@pytest.mark.parametrize("status", ["pending", "maybe", ""])
def test_moderation_to_an_unknown_status_is_refused(conversation, owner, status):
    before = snapshot()
    with pytest.raises(Invalid) as exc:
        actions.moderate_statement(owner, conversation.statements.first(), status=status)
    assert list(exc.value.fields) == ["status"]
    assert snapshot() == before


def test_only_moderators_and_organisers_moderate(conversation, member, outsider, community):
    statement = conversation.statements.first()
    before = snapshot()
    for person in (member, outsider, None):
        with pytest.raises(Forbidden):
            actions.moderate_statement(person, statement, status="rejected")
    assert snapshot() == before


def test_rejected_and_meta_statements_leave_the_next_computation(
    conversation, owner, community, django_capture_on_commit_callbacks
):
    """A statement everyone agrees with is common ground and sets nobody apart;
    statements splitting the room are representative. Once rejected or marked
    meta, the next computation mentions neither."""
    voters = make_voters(community, 16)
    statements = list(conversation.statements.order_by("pk"))
    everyone_agrees, divisive, also_agreed = statements[0], statements[1], statements[2]

    def rule(i, j, s):
        if s in (everyone_agrees, also_agreed):
            return 1
        return 1 if (i < 8) == (j % 2 == 0) else -1

    plant(conversation, voters, rule)
    conversation = compute.recompute(conversation.pk)

    def mentioned(report):
        ids = {r["statement"] for g in report["groups"] for r in g["representative"]}
        ids |= {r["statement"] for r in report["common_ground"]}
        ids |= {r["statement"] for rows in report["consensus"].values() for r in rows}
        return ids

    assert len(conversation.report["groups"]) == 2
    assert {everyone_agrees.pk, divisive.pk} <= mentioned(conversation.report)
    assert [r["statement"] for r in conversation.report["common_ground"]] == [
        everyone_agrees.pk,
        also_agreed.pk,
    ]
    with django_capture_on_commit_callbacks(execute=True):
        actions.moderate_statement(owner, everyone_agrees, status="rejected")
        actions.moderate_statement(owner, divisive, is_meta=True)
    conversation.refresh_from_db()
    assert conversation.computed_version == conversation.version  # the recomputation ran
    assert not {everyone_agrees.pk, divisive.pk} & mentioned(conversation.report)
    # The other statements still count.
    assert [r["statement"] for r in conversation.report["common_ground"]] == [also_agreed.pk]
    # Meta statements still take votes; rejected ones do not.
    assert queries.votable(conversation).filter(pk=divisive.pk).exists()
    assert not queries.votable(conversation).filter(pk=everyone_agrees.pk).exists()


# --- votes -------------------------------------------------------------------------------------


def test_agree_disagree_and_pass_each_count_once(conversation, community, member):
    statement = conversation.statements.first()
    a, b, c = make_voters(community, 3)
    for person, value in ((a, 1), (b, -1), (c, 0)):
        row = actions.vote(person, statement, value)
        assert row.value == value and row.created_at == row.updated_at
    statement.refresh_from_db()
    conversation.refresh_from_db()
    assert (statement.agree_count, statement.disagree_count, statement.pass_count) == (1, 1, 1)
    assert conversation.participant_count == 3 and conversation.vote_count == 3
    assert conversation.version == 3
    events = Event.objects.filter(kind="conversation.voted")
    assert events.count() == 3
    # How someone voted is private: the audit trail records that they voted.
    for event in events:
        assert set(event.data) == {"statement", "changed"}
    assert_counts_exact()


def test_changing_a_vote_moves_the_counters(conversation, member):
    statement = conversation.statements.first()
    other = conversation.statements.last()
    actions.vote(member, other, -1)
    sequence = [1, 1, -1, 0, 1, -1, -1, 0]
    for value in sequence:
        actions.vote(member, statement, value)
        assert_counts_exact()
        tally = dict(
            Vote.objects.filter(statement=statement)
            .values_list("value")
            .annotate(n=Count("pk"))
            .values_list("value", "n")
        )
        assert tally == {value: 1}
    row = Vote.objects.get(statement=statement)
    assert row.value == 0 and row.updated_at > row.created_at
    conversation.refresh_from_db()
    assert conversation.vote_count == 2 and conversation.participant_count == 1
    # Repeating the same vote changes nothing: 1 + 6 changes, two repeats.
    assert conversation.version == 1 + len(sequence) - 2
    changed = Event.objects.filter(kind="conversation.voted", data__changed=True).count()
    assert changed == len(sequence) - 1 - 2


@pytest.mark.parametrize("value", [2, -2, "x", "1", True, False, None, 1.5, [1]])
def test_a_vote_must_be_minus_one_zero_or_one(conversation, member, value):
    before = snapshot()
    with pytest.raises(Invalid) as exc:
        actions.vote(member, conversation.statements.first(), value)
    assert list(exc.value.fields) == ["vote"]
    assert snapshot() == before


def test_pending_and_rejected_statements_take_no_votes(conversation, owner, member):
    actions.edit_conversation(owner, conversation, moderation="pre")
    held = actions.add_statement(member, conversation, body="Add a skate park")
    rejected = conversation.statements.first()
    actions.moderate_statement(owner, rejected, status="rejected")
    before = snapshot()
    for statement in (held, rejected):
        statement.refresh_from_db()
        with pytest.raises(Conflict):
            actions.vote(owner, statement, 1)
    assert snapshot() == before


def test_outsiders_and_anonymous_cannot_vote(conversation, outsider, site_staff):
    statement = conversation.statements.first()
    before = snapshot()
    for person in (outsider, None, UserFactory(is_active=False)):
        with pytest.raises(Forbidden):
            actions.vote(person, statement, 1)
    assert snapshot() == before
    # Site staff act anywhere.
    actions.vote(site_staff, statement, 1)
    assert_counts_exact()


def test_vote_rate_limit(conversation, member, monkeypatch):
    monkeypatch.setattr(actions, "VOTES_PER_MINUTE", 3)
    statements = list(conversation.statements.order_by("pk"))
    for s in statements[:3]:
        actions.vote(member, s, 1)
    before = snapshot()
    with pytest.raises(RateLimited) as exc:
        actions.vote(member, statements[3], 1)
    assert 1 <= exc.value.retry_after <= 60
    assert snapshot() == before


def test_a_voter_is_one_participant_across_statements(conversation, member):
    for s in conversation.statements.all():
        actions.vote(member, s, 0)
    assert Participant.objects.filter(conversation=conversation).count() == 1
    assert Vote.objects.values("participant").distinct().count() == 1
    conversation.refresh_from_db()
    assert conversation.vote_count == len(SEEDS)
    assert Statement.objects.filter(conversation=conversation, pass_count=1).count() == len(SEEDS)
