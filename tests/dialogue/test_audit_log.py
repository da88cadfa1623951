"""The moderation audit log: every decision is appended (automatic hiding,
restoring, removing, mutes and bans and their lifting), entries are never changed
or deleted, and only moderators read the log (page and API)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cocreate.communities.models import Membership
from cocreate.dialogue import actions, moderation
from cocreate.dialogue.models import AppendOnly, Comment, ModerationEntry
from tests.conftest import client_for
from tests.dialogue.helpers import API, Item, assert_error, flag_all


@pytest.fixture
def history(idea, member, author, moderator, community, make_members):
    """A comment hidden by flags, restored, then removed; a member muted, unmuted,
    banned and unbanned: seven entries, in this order."""
    comment = actions.post_comment(member, idea, body="Borderline joke")
    item = Item("comment", comment.pk, member)
    flag_all(make_members(3), item)
    moderation.decide(moderator, item.get(), decision="restore", reason="Only a joke")
    moderation.decide(moderator, item.get(), decision="remove", reason="Reported again: rule 3")
    membership = Membership.objects.get(community=community, user=author)
    moderation.sanction(moderator, membership, kind="mute", days=2, reason="Cool down")
    moderation.lift(moderator, membership, kind="mute", reason="Apologised")
    moderation.sanction(moderator, membership, kind="ban", days=None, reason="Spam bot")
    moderation.lift(moderator, membership, kind="ban")
    return comment


ORDER = ["auto_hidden", "restored", "removed", "muted", "unmuted", "banned", "unbanned"]


def test_every_decision_is_appended(history, community, member, author, moderator):
    entries = list(ModerationEntry.objects.filter(community=community).order_by("pk"))
    assert [e.action for e in entries] == ORDER
    hidden, restored, removed, muted, unmuted, banned, unbanned = entries
    assert hidden.actor is None and hidden.subject == member and hidden.comment_id == history.pk
    assert (restored.actor, restored.reason) == (moderator, "Only a joke")
    assert (removed.actor, removed.reason, removed.comment_id) == (
        moderator,
        "Reported again: rule 3",
        history.pk,
    )
    assert (muted.subject, muted.reason) == (author, "Cool down")
    assert muted.until is not None and muted.until.year != 9999
    assert (unmuted.subject, unmuted.reason) == (author, "Apologised")
    assert banned.until is not None and banned.until.year == 9999
    assert unbanned.subject == author and unbanned.actor == moderator


def test_entries_are_never_changed_or_deleted(history):
    entry = ModerationEntry.objects.get(action="removed")
    entry.reason = "Nothing happened here"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        ModerationEntry.objects.get(action="muted").delete()
    assert ModerationEntry.objects.get(pk=entry.pk).reason == "Reported again: rule 3"
    assert ModerationEntry.objects.count() == len(ORDER)


def test_entries_outlive_the_content(idea, member, moderator, make_members):
    comment = actions.post_comment(member, idea, body="Hmm")
    item = Item("comment", comment.pk, member)
    flag_all(make_members(3), item)
    moderation.decide(moderator, item.get(), decision="restore", reason="")
    actions.delete_comment(member, Comment.objects.get(pk=comment.pk))
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert list(ModerationEntry.objects.order_by("pk").values_list("action", "comment_id")) == [
        ("auto_hidden", None),
        ("restored", None),
    ]


@pytest.mark.parametrize("who", ["moderator", "staff", "owner", "site_staff"])
def test_moderators_read_the_log(history, community, api_client, request, who):
    person = request.getfixturevalue(who)
    page = client_for(person).get(reverse("dialogue:log", args=[community.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Hidden automatically after flags",
        "Restored",
        "Removed",
        "Mute lifted",
        "Banned",
        "until lifted",
        "Reported again: rule 3",
        "Cool down",
    ):
        assert text in html, text
    response = api_client(person).get(f"{API}/communities/{community.slug}/moderation/log")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(ORDER)
    assert [e["action"] for e in body["items"]] == ORDER[::-1]  # newest first
    assert body["items"][-1]["actor"] is None
    assert body["items"][-1]["comment"] == history.pk


@pytest.mark.parametrize("who", ["member", "outsider", "author"])
def test_others_do_not_read_the_log(history, community, api_client, request, who):
    person = request.getfixturevalue(who)
    page = client_for(person).get(reverse("dialogue:log", args=[community.slug]))
    assert page.status_code == 403
    assert "Reported again" not in page.content.decode()
    response = api_client(person).get(f"{API}/communities/{community.slug}/moderation/log")
    assert_error(response, 403, "forbidden")
    assert (
        api_client(None).get(f"{API}/communities/{community.slug}/moderation/log").status_code
        == 401
    )


def test_a_members_moderation_history_is_on_their_page(history, community, author, moderator):
    page = client_for(moderator).get(reverse("dialogue:member", args=[community.slug, author.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Cool down" in html and "Spam bot" in html and "Apologised" in html
