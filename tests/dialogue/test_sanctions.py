"""Mutes and bans with an expiry: a muted member reads and supports but does not
write (comments, ideas, reactions, flags); a banned member does not take part at
all; both end by themselves or when lifted. Moderators sanction members below
them, never managers or themselves; the member is told why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from cocreate.communities.models import Membership, Role
from cocreate.dialogue import actions
from cocreate.dialogue.models import Comment, Flag, ModerationEntry, Reaction
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea, Support
from tests.challenges.helpers import make_challenge, open_submission
from tests.conftest import client_for
from tests.dialogue.helpers import API, assert_error, emails_to, state


def sanction_url(community, user):
    return f"{API}/communities/{community.slug}/members/{user.pk}/sanction"


def sanction(client, community, user, kind="mute", days=None, reason="Repeated insults"):
    return client.put(
        sanction_url(community, user),
        {"kind": kind, "days": days, "reason": reason},
        content_type="application/json",
    )


def membership(community, user):
    return Membership.objects.get(community=community, user=user)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def attempts_to_write(api, client, idea, challenge, comment):
    """Every writing a mute forbids, through the API and the pages: status codes."""
    return {
        "comment on idea": post(api, f"{API}/ideas/{idea.pk}/comments", {"body": "Hi"}).status_code,
        "comment on challenge": post(
            api, f"{API}/challenges/{challenge.pk}/comments", {"body": "Hi"}
        ).status_code,
        "reply": post(
            api, f"{API}/ideas/{idea.pk}/comments", {"body": "Hi", "parent": comment.pk}
        ).status_code,
        "comment page": client.post(
            reverse("dialogue:post_idea", args=[idea.pk]), {"body": "Hi"}
        ).status_code,
        "idea": post(
            api, f"{API}/challenges/{challenge.pk}/ideas", {"title": "Mine", "body": "Mine"}
        ).status_code,
        "idea page": client.post(
            reverse("ideas:new", args=[challenge.pk]), {"title": "Mine", "body": "Mine"}
        ).status_code,
        "react": post(api, f"{API}/comments/{comment.pk}/reactions", {"kind": "heart"}).status_code,
        "react page": client.post(
            reverse("dialogue:react", args=[comment.pk]), {"kind": "heart"}
        ).status_code,
        "flag comment": post(
            api, f"{API}/comments/{comment.pk}/flag", {"reason": "spam"}
        ).status_code,
        "flag idea": post(api, f"{API}/ideas/{idea.pk}/flag", {"reason": "spam"}).status_code,
        "flag page": client.post(
            reverse("dialogue:flag_comment", args=[comment.pk]), {"reason": "spam"}
        ).status_code,
    }


def nothing_written_by(user):
    assert not Comment.objects.filter(author=user).exists()
    assert not Idea.objects.filter(author=user).exists()
    assert not Reaction.objects.filter(user=user).exists()
    assert not Flag.objects.filter(user=user).exists()


def test_a_muted_member_reads_and_supports_but_does_not_write(
    clock, community, challenge, idea, author, member, moderator, api_client
):
    comment = actions.post_comment(author, idea, body="What do you think?")
    response = sanction(api_client(moderator), community, member, "mute", 3, "Flame war")
    assert response.status_code == 200, response.content
    assert response.json()["muted_until"] is not None and response.json()["banned_until"] is None
    assert membership(community, member).muted_until == clock.now + timedelta(days=3)

    api, client = api_client(member), client_for(member)
    refused = attempts_to_write(api, client, idea, challenge, comment)
    assert set(refused.values()) == {403}, refused
    nothing_written_by(member)

    # Reading and supporting stay open.
    page = client.get(reverse("ideas:detail", args=[idea.pk]))
    assert page.status_code == 200 and "What do you think?" in page.content.decode()
    assert 'name="body"' not in page.content.decode()  # no comment form
    assert post(api, f"{API}/ideas/{idea.pk}/support", {}).status_code == 201
    assert Support.objects.filter(idea=idea, user=member).exists()

    # The mute ends by itself.
    clock.advance(days=3, seconds=1)
    response = post(api, f"{API}/ideas/{idea.pk}/comments", {"body": "Sorry, everyone."})
    assert response.status_code == 201, response.content
    assert post(api, f"{API}/comments/{comment.pk}/reactions", {"kind": "heart"}).status_code == 201


def test_a_banned_member_cannot_even_support(
    clock, community, owner, author, member, moderator, api_client
):
    # A challenge open for years, so the clock can run far ahead.
    challenge = make_challenge(owner, community, phases=open_submission())
    idea = idea_actions.submit_idea(author, challenge, title="Bike racks", body="Many racks.")
    comment = actions.post_comment(author, idea, body="Thoughts?")
    response = sanction(api_client(moderator), community, member, "ban", None, "Spam bot")
    assert response.status_code == 200, response.content
    assert membership(community, member).banned_until.year == 9999

    api, client = api_client(member), client_for(member)
    refused = attempts_to_write(api, client, idea, challenge, comment)
    assert set(refused.values()) == {403}, refused
    assert_error(post(api, f"{API}/ideas/{idea.pk}/support", {}), 403, "forbidden")
    assert client.post(reverse("ideas:support", args=[idea.pk])).status_code == 403
    nothing_written_by(member)
    assert not Support.objects.filter(user=member).exists()

    # "Until lifted" does not wear off.
    clock.advance(days=400)
    assert post(api, f"{API}/ideas/{idea.pk}/support", {}).status_code == 403

    lifted = api_client(moderator).delete(f"{sanction_url(community, member)}/ban")
    assert lifted.status_code == 200, lifted.content
    assert lifted.json()["banned_until"] is None
    assert post(api, f"{API}/ideas/{idea.pk}/support", {}).status_code == 201
    assert post(api, f"{API}/ideas/{idea.pk}/comments", {"body": "Back"}).status_code == 201


def test_a_ban_for_some_days_ends_by_itself(clock, community, idea, member, moderator, api_client):
    sanction(api_client(moderator), community, member, "ban", 7, "A week off")
    api = api_client(member)
    clock.advance(days=6, hours=23)
    assert post(api, f"{API}/ideas/{idea.pk}/support", {}).status_code == 403
    clock.advance(hours=1, seconds=1)
    assert post(api, f"{API}/ideas/{idea.pk}/support", {}).status_code == 201


def test_lifting_a_mute(community, idea, member, moderator, api_client):
    sanction(api_client(moderator), community, member, "mute", None, "Calm down")
    api = api_client(member)
    assert post(api, f"{API}/ideas/{idea.pk}/comments", {"body": "Hey"}).status_code == 403
    lifted = api_client(moderator).delete(f"{sanction_url(community, member)}/mute")
    assert lifted.status_code == 200 and lifted.json()["muted_until"] is None
    assert post(api, f"{API}/ideas/{idea.pk}/comments", {"body": "Hey"}).status_code == 201
    # There is nothing left to lift.
    before = state()
    again = api_client(moderator).delete(f"{sanction_url(community, member)}/mute")
    assert_error(again, 409, "conflict")
    assert state() == before


def test_sanctions_on_the_members_page(community, idea, member, moderator):
    client = client_for(moderator)
    url = reverse("dialogue:member", args=[community.slug, member.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()

    before = state()
    missing = client.post(url, {"action": "sanction", "kind": "mute", "days": "2", "reason": ""})
    assert missing.status_code == 422
    assert state() == before

    done = client.post(
        url, {"action": "sanction", "kind": "mute", "days": "2", "reason": "Personal attacks"}
    )
    assert done.status_code == 302
    assert membership(community, member).muted_until is not None
    assert "Lift the mute" in client.get(url).content.decode()

    lifted = client.post(url, {"action": "lift", "kind": "mute"})
    assert lifted.status_code == 302
    assert membership(community, member).muted_until is None
    assert list(ModerationEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "muted",
        "unmuted",
    ]


def test_lifting_nothing_on_the_members_page_is_409(community, member, moderator):
    url = reverse("dialogue:member", args=[community.slug, member.pk])
    before = state()
    response = client_for(moderator).post(url, {"action": "lift", "kind": "mute"})
    assert response.status_code == 409
    assert state() == before


def test_the_member_is_told_why(community, member, moderator, api_client):
    sanction(api_client(moderator), community, member, "mute", 2, "Please stop the insults.")
    [muted] = emails_to(member, "muted")
    assert "Please stop the insults." in muted.body
    assert "read and support ideas, but not post" in muted.body
    sanction(api_client(moderator), community, member, "ban", None, "Insults went on.")
    [banned] = emails_to(member, "banned")
    assert "Insults went on." in banned.body and "until a moderator lifts it" in banned.body
    # Lifting tells nobody anything new; only the two sanctions were mailed.
    api_client(moderator).delete(f"{sanction_url(community, member)}/ban")
    assert len(emails_to(member)) == 2


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("moderator", "member", True),
        ("staff", "member", True),
        ("owner", "member", True),
        ("site_staff", "member", True),
        ("staff", "other_moderator", True),
        ("owner", "other_moderator", True),
        ("moderator", "other_moderator", False),
        ("moderator", "moderator", False),
        ("moderator", "staff", False),
        ("moderator", "owner", False),
        ("staff", "staff", False),
        ("owner", "staff", False),
        ("member", "author", False),
        ("outsider", "member", False),
    ],
)
def test_who_may_sanction_whom(
    community, member, author, make_members, api_client, request, actor, target, allowed
):
    people = {"other_moderator": make_members(1, Role.MODERATOR)[0]}
    by = request.getfixturevalue(actor)
    whom = people.get(target) or request.getfixturevalue(target)
    before = state()
    response = sanction(api_client(by), community, whom, "mute", 1, "Test")
    page = client_for(by).post(
        reverse("dialogue:member", args=[community.slug, whom.pk]),
        {"action": "sanction", "kind": "ban", "days": "1", "reason": "Test"},
    )
    if allowed:
        assert response.status_code == 200, response.content
        assert page.status_code == 302
        after = membership(community, whom)
        assert after.muted_until is not None and after.banned_until is not None
    else:
        assert_error(response, 403, "forbidden")
        assert page.status_code == 403
        assert state() == before


def test_anonymous_visitors_cannot_sanction(community, member, api_client):
    before = state()
    assert sanction(api_client(None), community, member).status_code == 401
    response = client_for(None).post(
        reverse("dialogue:member", args=[community.slug, member.pk]),
        {"action": "sanction", "kind": "ban", "days": "1", "reason": "x"},
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api_client(None).delete(f"{sanction_url(community, member)}/mute").status_code == 401
    assert state() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "mute", "days": 1, "reason": ""}, "reason"),
        ({"kind": "mute", "days": 0, "reason": "x"}, "days"),
        ({"kind": "mute", "days": 3651, "reason": "x"}, "days"),
        ({"kind": "kick", "days": 1, "reason": "x"}, "kind"),
    ],
)
def test_bad_sanctions_are_422_and_change_nothing(
    community, member, moderator, api_client, payload, field
):
    before = state()
    response = api_client(moderator).put(
        sanction_url(community, member), payload, content_type="application/json"
    )
    assert_error(response, 422, "invalid", field)
    assert state() == before


def test_a_stranger_to_the_community_is_not_found(community, outsider, moderator, api_client):
    response = sanction(api_client(moderator), community, outsider)
    assert_error(response, 404, "not_found")
