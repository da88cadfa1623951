"""Votes are private: the report (API and page) holds aggregates only, never a
participant or account id, name, handle or address; "my votes" returns the
caller's own votes and nobody else's; the audit trail records that someone
voted, not how."""

from __future__ import annotations

import json

import pytest

from cocreate.accounts.models import User
from cocreate.consensus import actions, compute
from cocreate.consensus.models import Participant
from cocreate.core.models import Event
from tests.conftest import client_for
from tests.consensus.helpers import API, make_voters, plant, two_sides

pytestmark = pytest.mark.django_db

# Distinctive numbers: if one of them shows up in a report, an id leaked.
USER_PK = 7_300_001
PARTICIPANT_PK = 8_100_001


@pytest.fixture
def voters(community, conversation):
    """Twelve members with unmistakable ids, names, handles and addresses, each
    already a participant (with unmistakable participant ids) who voted."""
    people = make_voters(
        community,
        12,
        pk=lambda i: USER_PK + i,
        display_name=lambda i: f"Zebulon Secretvoter{i}",
        email=lambda i: f"hidden.voter{i}@private.example",
    )
    for i, person in enumerate(people):
        User.objects.filter(pk=person.pk).update(handle=f"secret_handle_{i}")
        Participant.objects.create(pk=PARTICIPANT_PK + i, conversation=conversation, user=person)
    plant(conversation, people, lambda i, j, s: two_sides(i, j, s, half=6))
    compute.recompute(conversation.pk)
    conversation.refresh_from_db()
    return people


def leaks(text: str, people) -> list[str]:
    found = []
    for person in people:
        i = person.pk - USER_PK
        for needle in (
            str(USER_PK + i),
            str(PARTICIPANT_PK + i),
            person.email,
            person.display_name,
            f"secret_handle_{i}",
            "Secretvoter",
        ):
            if needle in text:
                found.append(needle)
    return found


def test_the_report_api_holds_aggregates_only(conversation, voters, api_client):
    assert len(conversation.report["groups"]) == 2  # a real report, not an empty one
    for viewer in (None, voters[0]):
        data = api_client(viewer).get(f"{API}/conversations/{conversation.pk}/report").json()
        assert data["participants"] == 12 and data["placed"] == 12
        text = json.dumps(data)
        assert not leaks(text, voters)
        # Points are bare coordinates and a group number.
        assert all(len(p) == 3 for p in data["points"])
    mine = api_client(voters[0]).get(f"{API}/conversations/{conversation.pk}/report").json()
    assert isinstance(mine["my_point"], int)
    assert (
        api_client(None).get(f"{API}/conversations/{conversation.pk}/report").json()["my_point"]
        is None
    )


def test_the_stored_report_holds_no_ids_and_the_lookup_stays_server_side(conversation, voters):
    assert not leaks(json.dumps(conversation.report), voters)
    # The participant -> point lookup is kept apart from the report.
    assert set(conversation.rows) == {str(PARTICIPANT_PK + i) for i in range(12)}


def test_the_report_page_shows_no_voter(conversation, voters, member):
    for viewer in (None, member, voters[0]):
        page = client_for(viewer).get(f"/conversations/{conversation.pk}/report/")
        assert page.status_code == 200
        text = page.content.decode()
        # Signed in, your own name is in the header: nobody else's is anywhere.
        others = [v for v in voters if v != viewer]
        assert not [n for n in leaks(text, others) if n != "Secretvoter"]
        if viewer not in voters:
            assert "Secretvoter" not in text


def test_the_conversation_api_and_statements_show_no_voter(conversation, voters, api_client):
    client = api_client(None)
    texts = [
        client.get(f"{API}/conversations/{conversation.pk}").content.decode(),
        client.get(f"{API}/conversations/{conversation.pk}/statements").content.decode(),
        client.get(
            f"{API}/communities/{conversation.community.slug}/conversations"
        ).content.decode(),
    ]
    for text in texts:
        assert not leaks(text, voters)


def test_my_votes_are_only_mine(conversation, community, api_client):
    alice, bob, carol = make_voters(community, 3)
    statements = list(conversation.statements.order_by("pk"))
    actions.vote(alice, statements[0], 1)
    actions.vote(alice, statements[1], -1)
    actions.vote(bob, statements[1], 0)
    actions.vote(bob, statements[2], 1)
    actions.vote(bob, statements[2], -1)
    url = f"{API}/conversations/{conversation.pk}/votes/mine"
    as_alice = api_client(alice).get(url).json()
    assert [(v["statement"], v["vote"]) for v in as_alice] == [
        (statements[0].pk, 1),
        (statements[1].pk, -1),
    ]
    as_bob = api_client(bob).get(url).json()
    assert [(v["statement"], v["vote"]) for v in as_bob] == [
        (statements[1].pk, 0),
        (statements[2].pk, -1),
    ]
    assert api_client(carol).get(url).json() == []
    assert api_client(None).get(url).status_code == 401
    # Votes in another conversation are not mixed in.
    other = actions.create_conversation(
        conversation.created_by, community, title="Other", statements=["Elsewhere"]
    )
    actions.vote(alice, other.statements.get(), 1)
    assert len(api_client(alice).get(url).json()) == 2


def test_the_audit_trail_records_that_someone_voted_not_how(conversation, member):
    statement = conversation.statements.first()
    actions.vote(member, statement, -1)
    actions.vote(member, statement, 1)
    for event in Event.objects.filter(kind="conversation.voted"):
        assert set(event.data) == {"statement", "changed"}
        assert "-1" not in json.dumps(event.data)
