"""The notification consumer end to end: follows (by hand and automatic), who is
told of what, emails per notification and digests, unsubscribing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from cocreate.core.consumers import run_all
from cocreate.dialogue import actions as dialogue
from cocreate.dialogue import moderation
from cocreate.ideas import actions as idea_actions
from cocreate.notifications import actions, digests
from cocreate.notifications.models import Follow, Notification
from tests.conftest import client_for


def kinds(user) -> list[str]:
    run_all()
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


def test_author_follows_own_idea_and_hears_of_comments_and_decisions(idea, author, member, staff):
    run_all()
    assert Follow.objects.filter(user=author, idea=idea, automatic=True).exists()
    dialogue.post_comment(member, idea, body="Nice")
    idea_actions.change_stage(staff, idea, stage="under_review", reason="Looking")
    assert kinds(author) == ["comment", "stage_changed"]
    # The commenter now follows too, and is not told of their own comment.
    assert Follow.objects.filter(user=member, idea=idea).exists()
    assert kinds(member) == ["stage_changed"]


def test_reply_goes_to_the_parent_author_once(idea, author, member):
    top = dialogue.post_comment(member, idea, body="Question")
    dialogue.post_comment(author, idea, body="Answer", parent=top)
    assert kinds(member) == ["reply"]


def test_supporters_hear_of_material_edits_only(idea, author, member):
    idea_actions.support(member, idea)
    run_all()
    idea_actions.edit_idea(author, idea, body=idea.body + " Tiny.")
    assert kinds(member) == []
    idea_actions.edit_idea(author, idea, title="A different title altogether")
    assert kinds(member) == ["idea_changed"]


def test_muted_kind_is_not_created(idea, author, member):
    actions.set_preferences(author, muted_kinds=["comment"])
    dialogue.post_comment(member, idea, body="Hello")
    assert kinds(author) == []


def test_each_email_has_a_working_signed_unsubscribe_link(idea, author, member):
    actions.set_preferences(author, email_mode="each")
    mail.outbox.clear()
    run_all()
    mail.outbox.clear()
    dialogue.post_comment(member, idea, body="Lovely idea")
    run_all()
    [message] = mail.outbox
    assert message.to == [author.email]
    assert "Lovely idea" in message.body
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("testserver", 1)[1]
    anonymous = client_for(None)
    assert anonymous.get(path).status_code == 200  # a GET only shows the button
    assert actions.preference_for(author).email_mode == "each"
    forged = path.replace(path.split("/")[-2], path.split("/")[-2][:-2] + "xx")
    assert anonymous.post(forged).status_code == 404
    assert anonymous.post(path).status_code == 200
    assert actions.preference_for(author).email_mode == "off"


def test_daily_digest_at_local_time_once_and_never_empty(idea, author, member):
    actions.set_preferences(
        author, email_mode="daily", timezone="Asia/Shanghai", digest_time=time(6, 30)
    )
    dialogue.post_comment(member, idea, body="First")
    run_all()
    mail.outbox.clear()
    shanghai = ZoneInfo("Asia/Shanghai")
    day = datetime.now(shanghai).date() + timedelta(days=1)
    at = lambda d, h, m: datetime.combine(day + timedelta(days=d), time(h, m), tzinfo=shanghai)  # noqa: E731
    assert digests.send_due(now=at(0, 6, 29)) == 0  # before the member's time: nothing
    dialogue.post_comment(member, idea, body="Second")
    run_all()
    assert digests.send_due(now=at(0, 6, 31)) == 1  # at 06:30 Shanghai time: both
    [message] = mail.outbox
    assert "First" in message.body and "Second" in message.body
    assert digests.send_due(now=at(0, 6, 45)) == 0  # never twice
    assert digests.send_due(now=at(1, 6, 31)) == 0  # the next day finds nothing: sends nothing
    assert len(mail.outbox) == 1


def test_hidden_comment_is_in_no_feed_or_digest(idea, author, make_members, community):
    flaggers = make_members(3)
    writer = make_members(1)[0]
    secret = dialogue.post_comment(writer, idea, body="Buy cheap pills at spam.example")
    for person in flaggers:
        moderation.flag(person, secret, reason="spam")
    run_all()
    page = client_for(author).get(reverse("notifications:list")).content.decode()
    assert "cheap pills" not in page
    response = client_for(author).get("/api/v1/notifications")
    assert "cheap pills" not in response.content.decode()
    actions.set_preferences(author, email_mode="daily")
    mail.outbox.clear()
    digests.send_due()
    assert all("cheap pills" not in m.body for m in mail.outbox)


def test_follow_and_unfollow_through_page_and_api(challenge, member, api_client):
    client = client_for(member)
    client.post(
        reverse("notifications:follow"), {"kind": "challenge", "id": challenge.pk, "next": "/"}
    )
    assert Follow.objects.filter(user=member, challenge=challenge).exists()
    client.post(reverse("notifications:follow"), {"kind": "challenge", "id": challenge.pk})
    assert not Follow.objects.filter(user=member, challenge=challenge).exists()
    api = api_client(member)
    created = api.post(
        "/api/v1/follows", {"challenge": challenge.pk}, content_type="application/json"
    )
    assert created.status_code == 201
    again = api.post(
        "/api/v1/follows", {"challenge": challenge.pk}, content_type="application/json"
    )
    assert again.status_code == 409
    assert api.delete(f"/api/v1/follows/{created.json()['id']}").status_code == 204


def test_mark_read_and_badge(idea, author, member, api_client):
    dialogue.post_comment(member, idea, body="One")
    dialogue.post_comment(member, idea, body="Two")
    run_all()
    page = client_for(author).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert 'class="notif-count"' in page
    response = api_client(author).post(
        "/api/v1/notifications/read", {"all": True}, content_type="application/json"
    )
    assert response.json() == {"marked": 2, "unread": 0}


@pytest.mark.parametrize(
    "bad", [{"timezone": "Mars/Olympus"}, {"email_mode": "hourly"}, {"muted_kinds": ["nope"]}]
)
def test_bad_preferences_are_422(member, api_client, bad):
    body = {
        "email_mode": "daily",
        "digest_time": "06:30",
        "digest_weekday": 0,
        "timezone": "UTC",
        **bad,
    }
    response = api_client(member).put(
        "/api/v1/me/notification-settings", body, content_type="application/json"
    )
    assert response.status_code == 422
