"""Co-authors: the author invites members; those who accept are credited, stop being
supporters of the idea (the count stays exact) and cannot support it again."""

from __future__ import annotations

import pytest

from cocreate.core.errors import Conflict, Forbidden, Invalid, NotFound
from cocreate.ideas import actions
from cocreate.ideas.models import CoAuthor, Idea, Support
from tests.challenges.helpers import API, assert_error, db_state, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def authors_in_api(client, idea):
    return [a["id"] for a in client.get(f"{API}/ideas/{idea.pk}").json()["authors"]]


def test_invited_then_accepted_coauthors_are_credited(idea, author, member, api_client):
    invitation = actions.invite_coauthor(author, idea, member)
    assert invitation.status == "invited"
    assert authors_in_api(api_client(None), idea) == [author.pk]

    actions.answer_coauthorship(member, idea, accept=True)

    assert CoAuthor.objects.get(idea=idea, user=member).status == "accepted"
    assert authors_in_api(api_client(None), idea) == [author.pk, member.pk]
    html = client_for(None).get(f"/ideas/{idea.pk}/").content.decode()
    assert member.display_name in html


def test_accepting_removes_the_coauthors_own_support_and_keeps_the_count_exact(
    idea, author, member, make_members
):
    others = make_members(2)
    for person in [member, *others]:
        actions.support(person, Idea.objects.get(pk=idea.pk))
    actions.invite_coauthor(author, idea, member)

    actions.answer_coauthorship(member, idea, accept=True)

    idea.refresh_from_db()
    assert not Support.objects.filter(idea=idea, user=member).exists()
    assert idea.support_count == Support.objects.filter(idea=idea).count() == 2


def test_accepting_keeps_the_hot_score_in_step_with_the_count(idea, author, member, make_members):
    from cocreate.ideas.actions import hot_score

    for person in [member, *make_members(9)]:
        actions.support(person, Idea.objects.get(pk=idea.pk))
    actions.invite_coauthor(author, idea, member)

    actions.answer_coauthorship(member, idea, accept=True)

    idea.refresh_from_db()
    assert idea.support_count == 9
    assert idea.hot_score == pytest.approx(hot_score(9, idea.created_at), abs=1e-9)


def test_an_accepted_coauthor_cannot_support(idea, author, member, api_client):
    actions.invite_coauthor(author, idea, member)
    actions.answer_coauthorship(member, idea, accept=True)
    client = api_client(member)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.support(member, Idea.objects.get(pk=idea.pk))
    response = post_json(client, f"{API}/ideas/{idea.pk}/support", {})

    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_declining_removes_the_invitation_and_credits_nobody(idea, author, member, api_client):
    actions.invite_coauthor(author, idea, member)

    assert actions.answer_coauthorship(member, idea, accept=False) is None

    assert not CoAuthor.objects.filter(idea=idea).exists()
    assert authors_in_api(api_client(None), idea) == [author.pk]


def test_only_members_of_the_community_can_be_invited(idea, author, outsider, api_client):
    client = api_client(author)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.invite_coauthor(author, idea, outsider)
    response = post_json(client, f"{API}/ideas/{idea.pk}/coauthors", {"user_id": outsider.pk})

    assert "user_id" in exc.value.fields
    assert_error(response, 422, "invalid", "user_id")
    assert db_state() == before


def test_the_author_cannot_invite_themselves(idea, author):
    before = db_state()

    with pytest.raises(Invalid):
        actions.invite_coauthor(author, idea, author)

    assert db_state() == before


def test_inviting_twice_is_a_conflict(idea, author, member):
    actions.invite_coauthor(author, idea, member)
    before = db_state()

    with pytest.raises(Conflict):
        actions.invite_coauthor(author, idea, member)

    assert db_state() == before


@pytest.mark.parametrize("role", ["member", "staff", "owner"])
def test_only_the_author_invites(request, idea, make_members, role):
    invitee = make_members(1)[0]
    before = db_state()

    with pytest.raises(Forbidden):
        actions.invite_coauthor(request.getfixturevalue(role), idea, invitee)

    assert db_state() == before


def test_answering_without_an_invitation_is_not_found(idea, member):
    before = db_state()

    with pytest.raises(NotFound):
        actions.answer_coauthorship(member, idea, accept=True)

    assert db_state() == before


def test_api_invite_and_accept(idea, author, member, api_client):
    invited = post_json(
        api_client(author), f"{API}/ideas/{idea.pk}/coauthors", {"user_id": member.pk}
    )
    listed = api_client(author).get(f"{API}/ideas/{idea.pk}/coauthors").json()
    # Pending invitations are the author's business: the public sees only credits.
    public = api_client(None).get(f"{API}/ideas/{idea.pk}/coauthors").json()
    answered = post_json(
        api_client(member), f"{API}/ideas/{idea.pk}/coauthors/answer", {"accept": True}
    )

    assert invited.status_code == 201, invited.content
    assert invited.json()["status"] == "invited"
    assert [(c["user"]["id"], c["status"]) for c in listed["items"]] == [(member.pk, "invited")]
    assert public["items"] == []
    assert answered.status_code == 200, answered.content
    assert answered.json()["supported"] is False
    assert authors_in_api(api_client(None), idea) == [author.pk, member.pk]


def test_api_answer_without_invitation_is_404(idea, member, api_client):
    client = api_client(member)
    before = db_state()

    response = post_json(client, f"{API}/ideas/{idea.pk}/coauthors/answer", {"accept": True})

    assert_error(response, 404, "not_found")
    assert db_state() == before


def test_invitation_pages(idea, author, member):
    invite = client_for(author).post(f"/ideas/{idea.pk}/coauthors/", {"email": member.email})
    banner = client_for(member).get(f"/ideas/{idea.pk}/").content.decode()
    accept = client_for(member).post(f"/ideas/{idea.pk}/coauthors/answer/", {"accept": "1"})

    assert invite.status_code == 302
    assert "invites you to co-author" in banner
    assert accept.status_code == 302
    assert CoAuthor.objects.get(idea=idea, user=member).status == "accepted"
