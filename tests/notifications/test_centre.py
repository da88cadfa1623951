"""The notification centre: the list (newest first, unread marked), marking one or
all read on the page and through the API, the header badge and its htmx partial,
nobody marking someone else's notifications, and hidden or removed content gone
from the page, the API and the badge."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cocreate.core.models import Event
from cocreate.dialogue import actions as dialogue
from cocreate.dialogue import moderation
from cocreate.ideas import actions as idea_actions
from cocreate.notifications.models import Notification
from tests.conftest import client_for
from tests.notifications.helpers import API, assert_error, deliver, post_json, snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def listed(user) -> list[tuple[int, bool]]:
    """(notification id, shown as unread) in page order."""
    page = client_for(user).get(reverse("notifications:list"))
    assert page.status_code == 200
    html = page.content.decode()
    return [
        (int(pk), "unread" in classes)
        for classes, pk in re.findall(r'<li class="([^"]*)" id="notification-(\d+)"', html)
    ]


def badge_count(user) -> int:
    html = client_for(user).get(reverse("notifications:badge"), **HTMX).content.decode()
    found = re.search(r'class="notif-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


def ids(user) -> list[int]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def three(idea, author, member, staff):
    """Three notifications for the author, oldest first: two comments and a decision."""
    dialogue.post_comment(member, idea, body="First comment")
    dialogue.post_comment(member, idea, body="Second comment")
    idea_actions.change_stage(staff, idea, stage="under_review", reason="Looking closely")
    deliver()
    assert len(ids(author)) == 3
    return ids(author)


def test_the_list_is_newest_first_with_unread_marked(three, author):
    assert listed(author) == [(three[2], True), (three[1], True), (three[0], True)]
    html = client_for(author).get(reverse("notifications:list")).content.decode()
    assert (
        html.index("Looking closely") < html.index("Second comment") < html.index("First comment")
    )
    assert "Mark all read" in html


def test_the_list_and_api_show_only_ones_own(three, author, member, make_members, api_client):
    [stranger] = make_members(1)
    assert listed(stranger) == []
    assert api_client(stranger).get(f"{API}/notifications").json()["items"] == []
    # The commenter follows the idea now and was told of the decision only.
    [(mine, unread)] = listed(member)
    assert unread
    assert mine not in three and Notification.objects.get(pk=mine).user == member
    assert [i["id"] for i in api_client(member).get(f"{API}/notifications").json()["items"]] == [
        mine
    ]


def test_the_list_needs_sign_in(three):
    response = client_for(None).get(reverse("notifications:list"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert_error(client_for(None).get(f"{API}/notifications"), 401, "unauthenticated")
    assert client_for(None).get(reverse("notifications:badge")).status_code == 302


def test_marking_one_read_on_the_page(three, author):
    response = client_for(author).post(reverse("notifications:read"), {"id": three[1]})
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    assert listed(author) == [(three[2], True), (three[1], False), (three[0], True)]
    assert badge_count(author) == 2


def test_marking_all_read_on_the_page(three, author):
    client_for(author).post(reverse("notifications:read"), {"all": "1"})
    assert listed(author) == [(three[2], False), (three[1], False), (three[0], False)]
    assert badge_count(author) == 0
    assert (
        "Mark all read"
        not in client_for(author).get(reverse("notifications:list")).content.decode()
    )


def test_marking_read_with_htmx_returns_the_new_badge(three, author):
    response = client_for(author).post(reverse("notifications:read"), {"id": three[0]}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="notif-badge"' in html and 'class="notif-count">2<' in html


def test_the_badge_shows_the_unread_count_and_polls(three, author):
    html = client_for(author).get(reverse("notifications:badge"), **HTMX).content.decode()
    assert 'class="notif-count">3<' in html
    assert f'hx-get="{reverse("notifications:badge")}"' in html and "hx-trigger" in html
    # The same badge is in the header of every signed-in page.
    page = client_for(author).get(reverse("notifications:follows")).content.decode()
    assert 'class="notif-count">3<' in page


def test_no_count_in_the_badge_without_unread(member):
    html = client_for(member).get(reverse("notifications:badge"), **HTMX).content.decode()
    assert 'id="notif-badge"' in html and "notif-count" not in html


def test_marking_read_through_the_api(three, author, api_client):
    api = api_client(author)
    assert [i["id"] for i in api.get(f"{API}/notifications").json()["items"]] == three[::-1]

    one = post_json(api, f"{API}/notifications/read", {"ids": [three[0]]})
    assert one.status_code == 200 and one.json() == {"marked": 1, "unread": 2}
    again = post_json(api, f"{API}/notifications/read", {"ids": [three[0]]})
    assert again.json() == {"marked": 0, "unread": 2}
    unread = api.get(f"{API}/notifications?unread=true").json()["items"]
    assert [i["id"] for i in unread] == [three[2], three[1]]
    assert all(i["read_at"] is None for i in unread)

    every = post_json(api, f"{API}/notifications/read", {"all": True})
    assert every.json() == {"marked": 2, "unread": 0}
    assert api.get(f"{API}/notifications?unread=true").json()["items"] == []
    assert all(i["read_at"] for i in api.get(f"{API}/notifications").json()["items"])


def test_the_api_wants_ids_or_all(three, author, api_client):
    before = snapshot()
    assert_error(
        post_json(api_client(author), f"{API}/notifications/read", {}), 422, "invalid", "ids"
    )
    assert snapshot() == before


def test_nobody_marks_someone_elses_notifications_read(three, author, make_members, api_client):
    [other] = make_members(1)
    before = snapshot()

    page = client_for(other).post(reverse("notifications:read"), {"id": three})
    api = post_json(api_client(other), f"{API}/notifications/read", {"ids": three})

    assert page.status_code == 302
    assert api.status_code == 200 and api.json() == {"marked": 0, "unread": 0}
    assert snapshot() == before
    assert badge_count(author) == 3


def test_mark_all_touches_only_ones_own(three, author, member, api_client):
    dialogue.post_comment(author, Notification.objects.get(pk=three[0]).idea, body="Thanks")
    deliver()
    theirs = Notification.objects.filter(user=member)
    assert theirs.count() == 2  # the decision, and the author's thanks
    post_json(api_client(author), f"{API}/notifications/read", {"all": True})
    assert all(n.read_at is None for n in theirs)
    assert badge_count(author) == 0
    client_for(member).post(reverse("notifications:read"), {"all": "1"})
    assert all(n.read_at is not None for n in theirs.all())


def test_mixed_ids_mark_only_ones_own(three, author, member, api_client):
    dialogue.post_comment(author, Notification.objects.get(pk=three[0]).idea, body="Thanks")
    deliver()
    theirs = ids(member)
    response = post_json(
        api_client(member), f"{API}/notifications/read", {"ids": [theirs[0], *three]}
    )
    assert response.json() == {"marked": 1, "unread": 1}
    assert badge_count(author) == 3


def test_the_api_item_shape(three, author, api_client):
    item = api_client(author).get(f"{API}/notifications").json()["items"][-1]
    assert set(item) == {
        "id",
        "kind",
        "text",
        "url",
        "excerpt",
        "idea",
        "comment",
        "challenge",
        "created_at",
        "read_at",
    }
    assert item["kind"] == "comment" and item["excerpt"] == "First comment"
    assert item["comment"] and item["url"] == f"/comments/{item['comment']}/"


# --- hidden and removed content -------------------------------------------------------------


@pytest.fixture
def spam(idea, author, make_members):
    """A comment the author is told of, then hidden by three flags."""
    writer, *flaggers = make_members(4)
    comment = dialogue.post_comment(writer, idea, body="Buy cheap pills at spam.example")
    deliver()
    assert Notification.objects.filter(user=author, comment=comment).exists()
    for person in flaggers:
        moderation.flag(person, comment, reason="spam")
    deliver()
    comment.refresh_from_db()
    assert comment.status == "hidden"
    return comment


def everywhere(user, api_client) -> str:
    """The notification page and API answers, as text."""
    page = client_for(user).get(reverse("notifications:list")).content.decode()
    api = api_client(user)
    return (
        page
        + api.get(f"{API}/notifications").content.decode()
        + api.get(f"{API}/notifications?unread=true").content.decode()
    )


def test_a_hidden_comment_disappears_from_the_centre(spam, author, api_client):
    text = everywhere(author, api_client)
    assert "cheap pills" not in text and f"/comments/{spam.pk}/" not in text
    assert api_client(author).get(f"{API}/notifications").json()["items"] == []


def test_a_removed_comment_disappears_from_the_centre(idea, author, member, moderator, api_client):
    comment = dialogue.post_comment(member, idea, body="Something rude")
    deliver()
    assert "Something rude" in everywhere(author, api_client)
    moderation.decide(moderator, comment, decision="remove", reason="Abuse")
    assert "Something rude" not in everywhere(author, api_client)


def test_a_deleted_comment_disappears_from_the_centre(idea, author, member, api_client):
    comment = dialogue.post_comment(member, idea, body="Oops, wrong idea")
    deliver()
    dialogue.delete_comment(member, comment)
    assert "Oops, wrong idea" not in everywhere(author, api_client)


def test_a_restored_comment_comes_back(spam, author, moderator, api_client):
    moderation.decide(moderator, spam, decision="restore", reason="")
    assert "cheap pills" in everywhere(author, api_client)


def test_a_hidden_idea_takes_its_notifications_away(
    idea, author, member, staff, make_members, api_client
):
    idea_actions.support(member, idea)
    deliver()
    idea_actions.change_stage(staff, idea, stage="under_review", reason="Checking the numbers")
    deliver()
    assert "Checking the numbers" in everywhere(member, api_client)
    for person in make_members(3):
        moderation.flag(person, idea, reason="spam")
    text = everywhere(member, api_client)
    assert "Checking the numbers" not in text and idea.title not in text


def test_hidden_content_is_not_counted_in_the_badge(spam, author, api_client):
    assert badge_count(author) == 0
    response = post_json(api_client(author), f"{API}/notifications/read", {"ids": [2**40]})
    assert response.json()["unread"] == 0


def test_a_hidden_items_notification_is_kept_for_a_possible_restore(spam, author):
    # The notification row stays (the content may be restored); it is just not shown.
    assert Notification.objects.filter(user=author, comment=spam).exists()
    assert Event.objects.filter(kind="content.hidden").exists()


def test_hidden_content_is_not_counted_by_the_api(spam, author, api_client):
    body = api_client(author).get(f"{API}/notifications").json()
    assert body == {"items": [], "count": 0}


def test_text_from_members_is_escaped_on_the_page(idea, author, member):
    dialogue.post_comment(member, idea, body="<script>alert('x')</script> hello")
    deliver()
    html = client_for(author).get(reverse("notifications:list")).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
