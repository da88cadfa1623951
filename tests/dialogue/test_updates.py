"""Idea updates: an idea's authors (and accepted co-authors) post progress updates
through the action, the pages and the API; nobody else can, and a refusal changes
nothing. Followers (supporters follow automatically) are told, the author is not; an
idea has at most five updates a day. Updates of hidden ideas appear nowhere. Each
update has its own discussion, counted on the update and never on the idea. Authors
edit and delete their updates; moderators remove them with a reason that goes to the
moderation log."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cocreate.communities.models import Membership
from cocreate.core.errors import Forbidden, Invalid, RateLimited
from cocreate.core.models import Event
from cocreate.core.permissions import forget_roles
from cocreate.dialogue import actions, moderation, updates
from cocreate.dialogue.models import Comment, IdeaUpdate, ModerationAction, ModerationEntry
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea
from cocreate.notifications import actions as notification_actions
from cocreate.notifications.models import Follow, Kind, Notification
from tests.conftest import client_for
from tests.dialogue.helpers import API, Item, assert_error, deliver, flag_all

TITLE = "First prototype"
BODY = "We printed a **first** bottle cap. It leaks a little."


# --- helpers -------------------------------------------------------------------------------


def state() -> dict[str, Any]:
    """Everything posting, editing and deleting updates (and commenting on them)
    can write, comparably (pending events delivered first)."""
    deliver()
    return {
        "updates": sorted(
            IdeaUpdate.objects.values_list(
                "pk", "idea_id", "author_id", "title", "body", "comment_count", "edited_at"
            )
        ),
        "comments": sorted(Comment.objects.values_list("pk", "update_id", "status", "body")),
        "ideas": sorted(Idea.objects.values_list("pk", "comment_count")),
        "notifications": sorted(Notification.objects.values_list("pk", "user_id", "kind")),
        "log": sorted(ModerationEntry.objects.values_list("pk", "action", "reason")),
        "events": sorted(
            Event.objects.exclude(kind__startswith="account.").values_list("pk", "kind")
        ),
    }


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def kinds(user) -> list[str]:
    deliver()
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


def told(kind: str) -> set[int]:
    deliver()
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def hide(community, idea, make_members) -> None:
    flag_all(make_members(community.flag_threshold), Item("idea", idea.pk, idea.author))
    idea.refresh_from_db()
    assert idea.moderation == "hidden"


def mute(moderator, community, user) -> None:
    membership = Membership.objects.get(community=community, user=user)
    moderation.sanction(moderator, membership, kind="mute", days=None, reason="Cool down")
    forget_roles(user)  # roles are memoised on the user object, as for one request


@pytest.fixture
def update(idea, author) -> IdeaUpdate:
    return updates.post_update(author, idea, title=TITLE, body=BODY)


@pytest.fixture
def coauthor(idea, author, make_members):
    [person] = make_members(1)
    idea_actions.invite_coauthor(author, idea, person)
    idea_actions.answer_coauthorship(person, idea, accept=True)
    return person


# --- posting -------------------------------------------------------------------------------


def test_the_author_posts_an_update(idea, author):
    update = updates.post_update(author, idea, title="  First   prototype ", body=BODY)
    assert (update.idea_id, update.author_id, update.title) == (idea.pk, author.pk, TITLE)
    assert "<strong>first</strong>" in update.body_html
    assert update.comment_count == 0 and update.edited_at is None
    event = Event.objects.get(kind="update.posted")
    assert (event.actor_id, event.target_id, event.data["idea_id"]) == (
        author.pk,
        update.pk,
        idea.pk,
    )


def test_an_accepted_coauthor_posts_an_update(idea, coauthor, api_client):
    updates.post_update(coauthor, idea, title="From the co-author", body="Hello.")
    response = post(
        api_client(coauthor), f"{API}/ideas/{idea.pk}/updates", {"title": "Two", "body": "Again."}
    )
    assert response.status_code == 201, response.content
    assert IdeaUpdate.objects.filter(idea=idea, author=coauthor).count() == 2


def test_posting_from_the_pages(idea, author):
    client = client_for(author)
    idea_page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    new_url = reverse("dialogue:new_update", args=[idea.pk])
    assert new_url in idea_page and "Post an update" in idea_page
    form = client.get(new_url)
    assert form.status_code == 200
    assert 'name="title"' in form.content.decode() and "data-mentions=" in form.content.decode()

    response = client.post(new_url, {"title": TITLE, "body": BODY})
    update = IdeaUpdate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dialogue:update", args=[update.pk])
    page = client_for(None).get(response["Location"]).content.decode()
    assert TITLE in page and "<strong>first</strong>" in page
    listing = client_for(None).get(reverse("dialogue:updates", args=[idea.pk])).content.decode()
    assert TITLE in listing


def test_posting_through_the_api(idea, author, api_client):
    client = api_client(author)
    response = post(client, f"{API}/ideas/{idea.pk}/updates", {"title": TITLE, "body": BODY})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["idea"] == idea.pk and body["title"] == TITLE and body["body"] == BODY
    assert body["author"] == {
        "id": author.pk,
        "display_name": author.display_name,
        "handle": author.handle,
    }
    assert "<strong>first</strong>" in body["body_html"]
    assert body["comment_count"] == 0 and body["edited_at"] is None
    one = api_client(None).get(f"{API}/updates/{body['id']}")
    assert one.status_code == 200 and one.json()["title"] == TITLE
    listing = api_client(None).get(f"{API}/ideas/{idea.pk}/updates").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]


def test_updates_are_listed_newest_first(idea, author, api_client):
    for n in range(3):
        updates.post_update(author, idea, title=f"Update {n}", body="Text.")
    items = api_client(None).get(f"{API}/ideas/{idea.pk}/updates").json()["items"]
    assert [i["title"] for i in items] == ["Update 2", "Update 1", "Update 0"]


def test_updates_may_follow_a_decision(idea, author, staff):
    idea_actions.change_stage(staff, idea, stage="declined", reason="Too costly")
    idea.refresh_from_db()
    update = updates.post_update(author, idea, title="What we learnt", body="Thanks all.")
    assert update.pk


# --- who may not post --------------------------------------------------------------------------


@pytest.fixture
def supporter(idea, make_members):
    [person] = make_members(1)
    idea_actions.support(person, idea)
    return person


@pytest.mark.parametrize("who", ["supporter", "member", "outsider", "staff", "invited"])
def test_others_cannot_post_an_update_and_nothing_changes(
    request, idea, author, make_members, api_client, who
):
    if who == "invited":  # invited as a co-author, not (yet) accepted
        [person] = make_members(1)
        idea_actions.invite_coauthor(author, idea, person)
    else:
        person = request.getfixturevalue(who)
    before = state()

    with pytest.raises(Forbidden):
        updates.post_update(person, idea, title=TITLE, body=BODY)
    response = post(
        api_client(person), f"{API}/ideas/{idea.pk}/updates", {"title": TITLE, "body": BODY}
    )
    assert_error(response, 403, "forbidden")
    url = reverse("dialogue:new_update", args=[idea.pk])
    assert client_for(person).get(url).status_code == 403
    assert client_for(person).post(url, {"title": TITLE, "body": BODY}).status_code == 403
    page = client_for(person).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert url not in page

    assert state() == before


def test_a_visitor_cannot_post_an_update(idea, api_client):
    before = state()
    response = post(api_client(None), f"{API}/ideas/{idea.pk}/updates", {"title": "T", "body": "B"})
    assert response.status_code == 401
    page = client_for(None).post(
        reverse("dialogue:new_update", args=[idea.pk]), {"title": "T", "body": "B"}
    )
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert state() == before


def test_a_muted_author_cannot_post_an_update(community, idea, author, moderator, api_client):
    mute(moderator, community, author)
    before = state()
    with pytest.raises(Forbidden):
        updates.post_update(author, idea, title=TITLE, body=BODY)
    response = post(
        api_client(author), f"{API}/ideas/{idea.pk}/updates", {"title": "T", "body": "B"}
    )
    assert_error(response, 403, "forbidden")
    page = client_for(author).post(
        reverse("dialogue:new_update", args=[idea.pk]), {"title": "T", "body": "B"}
    )
    assert page.status_code == 403
    assert state() == before


def test_the_author_of_a_hidden_idea_cannot_post_an_update(
    community, idea, author, make_members, api_client
):
    hide(community, idea, make_members)
    before = state()
    with pytest.raises(Forbidden):
        updates.post_update(author, idea, title=TITLE, body=BODY)
    response = post(
        api_client(author), f"{API}/ideas/{idea.pk}/updates", {"title": "T", "body": "B"}
    )
    assert_error(response, 404, "not_found")
    page = client_for(author).post(
        reverse("dialogue:new_update", args=[idea.pk]), {"title": "T", "body": "B"}
    )
    assert page.status_code == 404
    assert state() == before


def test_an_expired_idea_takes_no_updates(idea, author, api_client):
    Idea.objects.filter(pk=idea.pk).update(stage="expired")
    idea.refresh_from_db()
    before = state()
    with pytest.raises(Forbidden):
        updates.post_update(author, idea, title=TITLE, body=BODY)
    response = post(
        api_client(author), f"{API}/ideas/{idea.pk}/updates", {"title": "T", "body": "B"}
    )
    assert response.status_code == 403
    assert state() == before


# --- validation ---------------------------------------------------------------------------------


BAD = [
    ({"title": "", "body": BODY}, "title"),
    ({"title": "   ", "body": BODY}, "title"),
    ({"title": TITLE, "body": ""}, "body"),
    ({"title": TITLE, "body": " \n "}, "body"),
    ({"title": "x" * 141, "body": BODY}, "title"),
    ({"title": TITLE, "body": "x" * 20_001}, "body"),
]

API_BAD = BAD


@pytest.mark.parametrize(("data", "field"), BAD)
def test_an_invalid_update_is_422_with_the_field_and_creates_nothing(idea, author, data, field):
    before = state()
    with pytest.raises(Invalid) as refused:
        updates.post_update(author, idea, **data)
    assert field in refused.value.fields
    page = client_for(author).post(reverse("dialogue:new_update", args=[idea.pk]), data)
    assert page.status_code == 422
    assert page.context["form"].errors.get(field)
    assert state() == before


@pytest.mark.parametrize(("data", "field"), API_BAD)
def test_an_invalid_update_through_the_api_is_422_with_the_field_and_creates_nothing(
    idea, author, api_client, data, field
):
    before = state()
    response = post(api_client(author), f"{API}/ideas/{idea.pk}/updates", data)
    assert_error(response, 422, "invalid", field)
    assert state() == before


def test_a_body_too_long_for_the_api_is_422_and_creates_nothing(idea, author, api_client):
    response = post(
        api_client(author), f"{API}/ideas/{idea.pk}/updates", {"title": "T", "body": "x" * 20_001}
    )
    assert_error(response, 422, "invalid")
    assert not IdeaUpdate.objects.exists()


def test_the_longest_title_and_body_are_accepted(idea, author):
    update = updates.post_update(author, idea, title="t" * 140, body="b" * 20_000)
    assert len(update.title) == 140 and len(update.body) == 20_000


def test_a_missing_body_in_the_api_is_422_naming_it(idea, author, api_client):
    response = post(api_client(author), f"{API}/ideas/{idea.pk}/updates", {"title": TITLE})
    assert_error(response, 422, "invalid", "body")
    assert not IdeaUpdate.objects.exists()


# --- rate limit ------------------------------------------------------------------------------


def test_five_updates_a_day_then_429_with_retry_after(idea, author, coauthor, api_client):
    for n in range(updates.UPDATES_PER_DAY):
        updates.post_update(author, idea, title=f"Update {n}", body="Text.")
    before = state()

    with pytest.raises(RateLimited):
        updates.post_update(author, idea, title="One more", body="Text.")
    response = post(
        api_client(author), f"{API}/ideas/{idea.pk}/updates", {"title": "T", "body": "B"}
    )
    error = assert_error(response, 429, "rate_limited")
    assert "5" in error["message"]
    assert 0 < int(response["Retry-After"]) <= 86400
    # The limit is the idea's: a co-author shares it.
    response = post(
        api_client(coauthor), f"{API}/ideas/{idea.pk}/updates", {"title": "T", "body": "B"}
    )
    assert response.status_code == 429
    page = client_for(author).post(
        reverse("dialogue:new_update", args=[idea.pk]), {"title": "T", "body": "B"}
    )
    assert page.status_code == 429 and 0 < int(page["Retry-After"]) <= 86400

    assert state() == before
    assert IdeaUpdate.objects.count() == updates.UPDATES_PER_DAY


def test_the_limit_is_per_idea(challenge, idea, author):
    other = idea_actions.submit_idea(author, challenge, title="Second idea", body="Another.")
    for n in range(updates.UPDATES_PER_DAY):
        updates.post_update(author, idea, title=f"Update {n}", body="Text.")
    assert updates.post_update(author, other, title="Fine", body="Text.").pk


def test_refused_updates_do_not_use_up_the_allowance(idea, author, member):
    for _ in range(updates.UPDATES_PER_DAY + 1):
        with pytest.raises(Invalid):
            updates.post_update(author, idea, title="", body="Text.")
        with pytest.raises(Forbidden):
            updates.post_update(member, idea, title="T", body="Text.")
    for n in range(updates.UPDATES_PER_DAY):
        updates.post_update(author, idea, title=f"Update {n}", body="Text.")
    assert IdeaUpdate.objects.count() == updates.UPDATES_PER_DAY


# --- notifications ------------------------------------------------------------------------------


def test_followers_and_supporters_are_told_and_the_author_is_not(
    idea, author, coauthor, supporter, member, make_members
):
    [watcher, bystander, quitter] = make_members(3)
    notification_actions.follow(watcher, idea=idea)
    follow = notification_actions.follow(quitter, idea=idea)
    notification_actions.unfollow(quitter, follow)
    deliver()
    Notification.objects.all().delete()

    update = updates.post_update(author, idea, title=TITLE, body=BODY)

    assert told(Kind.IDEA_UPDATE) == {supporter.pk, watcher.pk}
    for person in (author, bystander, member, quitter):
        assert kinds(person) == [], person
    note = Notification.objects.get(user=supporter)
    assert (note.kind, note.update_id, note.idea_id, note.actor_id) == (
        "idea_update",
        update.pk,
        idea.pk,
        author.pk,
    )
    page = client_for(supporter).get("/notifications/").content.decode()
    assert "posted an update on" in page and TITLE in page
    assert reverse("dialogue:update", args=[update.pk]) in page


def test_the_coauthor_following_the_idea_hears_of_the_authors_update(idea, author, coauthor):
    notification_actions.follow(coauthor, idea=idea)
    updates.post_update(author, idea, title=TITLE, body=BODY)
    assert kinds(coauthor)[-1:] == ["idea_update"]


def test_an_edit_tells_followers_nothing(idea, author, supporter, update):
    deliver()
    before = Notification.objects.count()
    updates.edit_update(author, update, title=TITLE, body=BODY + " Fixed now.")
    assert Notification.objects.count() == before


def test_a_follower_who_muted_updates_is_not_told(idea, author, supporter):
    notification_actions.set_preferences(supporter, muted_kinds=["idea_update"])
    updates.post_update(author, idea, title=TITLE, body=BODY)
    assert kinds(supporter) == []


def test_followers_who_cannot_see_the_idea_are_not_told(
    community, idea, author, supporter, make_members
):
    updates.post_update(author, idea, title=TITLE, body=BODY)
    hide(community, idea, make_members)  # before the consumer runs
    assert told(Kind.IDEA_UPDATE) == set()


# --- hidden ideas ---------------------------------------------------------------------------


def test_updates_of_a_hidden_idea_are_visible_nowhere(
    community, idea, author, supporter, member, moderator, make_members, api_client, update
):
    comment = actions.post_comment(member, update, body="Does it still leak?")
    deliver()
    assert kinds(supporter) == ["idea_update", "comment"]  # follows the idea
    hide(community, idea, make_members)

    for person in (None, member, supporter, author):
        client = client_for(person)
        assert client.get(reverse("dialogue:update", args=[update.pk])).status_code == 404
        assert client.get(reverse("dialogue:updates", args=[idea.pk])).status_code == 404
        assert client.get(reverse("ideas:detail", args=[idea.pk])).status_code == 404
        assert client.get(reverse("dialogue:permalink", args=[comment.pk])).status_code == 404
        api = api_client(person)
        assert api.get(f"{API}/updates/{update.pk}").status_code == 404
        assert api.get(f"{API}/ideas/{idea.pk}/updates").status_code == 404
        assert api.get(f"{API}/updates/{update.pk}/comments").status_code == 404
        assert api.get(f"{API}/comments/{comment.pk}").status_code == 404
    # Not in the notification centre of the follower told before it was hidden.
    assert api_client(supporter).get(f"{API}/notifications").json()["items"] == []
    assert TITLE not in client_for(supporter).get("/notifications/").content.decode()
    # Nobody can comment on it either.
    response = post(api_client(member), f"{API}/updates/{update.pk}/comments", {"body": "Hi"})
    assert response.status_code == 404
    # Its moderators still see it.
    assert (
        client_for(moderator).get(reverse("dialogue:update", args=[update.pk])).status_code == 200
    )
    assert api_client(moderator).get(f"{API}/updates/{update.pk}").status_code == 200


def test_the_author_cannot_edit_or_delete_updates_of_a_hidden_idea(
    community, idea, author, make_members, api_client, update
):
    hide(community, idea, make_members)
    before = state()
    client = api_client(author)
    response = client.patch(
        f"{API}/updates/{update.pk}",
        {"title": "New", "body": "New"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.delete(f"{API}/updates/{update.pk}").status_code == 404
    assert (
        client_for(author).post(reverse("dialogue:delete_update", args=[update.pk])).status_code
        == 404
    )
    assert state() == before


# --- editing ------------------------------------------------------------------------------


def test_the_author_edits_through_the_action_page_and_api(author, update, api_client):
    edited = updates.edit_update(author, update, title="Prototype, take 2", body="No leak.")
    assert edited.edited_at is not None and edited.body_html == "<p>No leak.</p>\n"

    client = client_for(author)
    url = reverse("dialogue:edit_update", args=[update.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Prototype, take 2" in form.content.decode()
    response = client.post(url, {"title": "Prototype, take 3", "body": "Still no leak."})
    assert response.status_code == 302
    assert response["Location"] == reverse("dialogue:update", args=[update.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Prototype, take 3" in page and "edited" in page

    response = api_client(author).patch(
        f"{API}/updates/{update.pk}",
        {"title": "Prototype, take 4", "body": "Dry."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Prototype, take 4" and response.json()["edited_at"]
    assert Event.objects.filter(kind="update.edited").count() == 3


@pytest.mark.parametrize("who", ["coauthor", "member", "moderator", "owner"])
def test_only_its_author_edits_an_update(request, update, api_client, who):
    person = request.getfixturevalue(who)
    before = state()
    with pytest.raises(Forbidden):
        updates.edit_update(person, update, title="Mine now", body="Mine.")
    response = api_client(person).patch(
        f"{API}/updates/{update.pk}",
        {"title": "Mine", "body": "Mine."},
        content_type="application/json",
    )
    assert_error(response, 403, "forbidden")
    url = reverse("dialogue:edit_update", args=[update.pk])
    assert client_for(person).post(url, {"title": "Mine", "body": "Mine."}).status_code == 403
    assert state() == before


def test_an_edit_without_changes_or_with_bad_fields_is_422(author, update, api_client):
    before = state()
    with pytest.raises(Invalid) as refused:
        updates.edit_update(author, update, title=TITLE, body=BODY)
    assert "body" in refused.value.fields
    client = api_client(author)
    url = f"{API}/updates/{update.pk}"
    for data, field in [({"title": TITLE, "body": BODY}, "body"), *BAD]:
        response = client.patch(url, data, content_type="application/json")
        assert_error(response, 422, "invalid", None if len(data["body"]) > 20_000 else field)
    page = client_for(author).post(
        reverse("dialogue:edit_update", args=[update.pk]), {"title": "", "body": "x"}
    )
    assert page.status_code == 422 and page.context["form"].errors.get("title")
    assert state() == before


# --- deleting ------------------------------------------------------------------------------


def test_the_author_deletes_an_update_with_its_comments_and_notifications(
    idea, author, supporter, member, update
):
    comment = actions.post_comment(member, update, body="Nice, @" + author.handle)
    actions.post_comment(supporter, update, body="Agreed", parent=comment)
    deliver()
    assert Notification.objects.filter(update=update).count() >= 2
    response = client_for(author).post(reverse("dialogue:delete_update", args=[update.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("dialogue:updates", args=[idea.pk])
    assert not IdeaUpdate.objects.exists()
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert not Comment.objects.exists()
    assert not Notification.objects.filter(kind__in=["idea_update", "mention"]).exists()
    assert not Notification.objects.filter(comment__isnull=False).exists()
    assert not ModerationEntry.objects.exists()  # the author's own deletion is not moderation
    idea.refresh_from_db()
    assert idea.comment_count == 0
    assert Event.objects.filter(kind="update.deleted", data__by_moderator=False).exists()
    assert kinds(supporter) == []  # nothing left pointing at it


def test_the_author_deletes_through_the_api(author, update, api_client):
    response = api_client(author).delete(f"{API}/updates/{update.pk}")
    assert response.status_code == 204
    assert not IdeaUpdate.objects.exists()
    assert api_client(None).get(f"{API}/updates/{update.pk}").status_code == 404


@pytest.mark.parametrize("who", ["coauthor", "member", "supporter", "outsider"])
def test_others_cannot_delete_an_update(request, update, api_client, who):
    person = request.getfixturevalue(who)
    before = state()
    with pytest.raises(Forbidden):
        updates.delete_update(person, update, reason="Because")
    response = api_client(person).delete(
        f"{API}/updates/{update.pk}", {"reason": "Because"}, content_type="application/json"
    )
    assert_error(response, 403, "forbidden")
    page = client_for(person).post(
        reverse("dialogue:delete_update", args=[update.pk]), {"reason": "Because"}
    )
    assert page.status_code == 403
    assert state() == before


@pytest.mark.parametrize("via", ["action", "page", "api"])
def test_a_moderator_removes_an_update_with_a_reason_into_the_log(
    community, idea, author, moderator, member, api_client, update, via
):
    comment = actions.post_comment(member, update, body="Great")
    reason = "Advertises a shop"
    if via == "action":
        updates.delete_update(moderator, update, reason=reason)
    elif via == "page":
        page = client_for(moderator).get(reverse("dialogue:update", args=[update.pk]))
        assert "Remove this update" in page.content.decode()
        response = client_for(moderator).post(
            reverse("dialogue:delete_update", args=[update.pk]), {"reason": reason}
        )
        assert response.status_code == 302
    else:
        response = api_client(moderator).delete(
            f"{API}/updates/{update.pk}", {"reason": reason}, content_type="application/json"
        )
        assert response.status_code == 204, response.content

    assert not IdeaUpdate.objects.exists() and not Comment.objects.filter(pk=comment.pk).exists()
    entry = ModerationEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.subject_id, entry.idea_id) == (
        ModerationAction.REMOVED,
        moderator.pk,
        author.pk,
        idea.pk,
    )
    assert reason in entry.reason and TITLE in entry.reason
    log = api_client(moderator).get(f"{API}/communities/{community.slug}/moderation/log").json()
    assert [e["reason"] for e in log["items"]] == [entry.reason]
    page = client_for(moderator).get(reverse("dialogue:log", args=[community.slug]))
    assert reason in page.content.decode()
    assert Event.objects.filter(kind="update.deleted", data__by_moderator=True).exists()


def test_a_moderator_removing_without_a_reason_is_422_and_changes_nothing(
    moderator, api_client, update
):
    before = state()
    with pytest.raises(Invalid) as refused:
        updates.delete_update(moderator, update, reason="  ")
    assert "reason" in refused.value.fields
    client = api_client(moderator)
    assert_error(client.delete(f"{API}/updates/{update.pk}"), 422, "invalid", "reason")
    response = client.delete(
        f"{API}/updates/{update.pk}", {"reason": ""}, content_type="application/json"
    )
    assert_error(response, 422, "invalid", "reason")
    page = client_for(moderator).post(reverse("dialogue:delete_update", args=[update.pk]))
    assert page.status_code == 422
    assert state() == before


def test_a_moderators_own_update_needs_no_reason(community, challenge, moderator):
    idea = idea_actions.submit_idea(moderator, challenge, title="Mod idea", body="Mine.")
    update = updates.post_update(moderator, idea, title="Mine", body="Mine.")
    updates.delete_update(moderator, update)
    assert not IdeaUpdate.objects.exists() and not ModerationEntry.objects.exists()


def test_a_moderator_of_another_community_cannot_remove_it(update, api_client):
    from tests.factories import CommunityFactory, UserFactory, add_member

    elsewhere = CommunityFactory()
    stranger = UserFactory()
    add_member(elsewhere, stranger, "moderator")
    before = state()
    response = api_client(stranger).delete(
        f"{API}/updates/{update.pk}", {"reason": "Spam"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert state() == before


def test_an_update_whose_comment_was_moderated_can_still_be_deleted(
    community, author, member, make_members, moderator, update
):
    comment = actions.post_comment(member, update, body="Buy my watches")
    flag_all(make_members(community.flag_threshold), Item("comment", comment.pk, member))
    moderation.decide(moderator, Comment.objects.get(pk=comment.pk), decision="remove", reason="Ad")
    entries = ModerationEntry.objects.count()
    updates.delete_update(author, update)
    assert not IdeaUpdate.objects.exists() and not Comment.objects.exists()
    assert ModerationEntry.objects.count() == entries  # the log keeps its rows


# --- comments on updates ------------------------------------------------------------------------


def test_comments_on_an_update_are_its_own_discussion(idea, author, member, update):
    on_idea = actions.post_comment(member, idea, body="About the idea itself")
    client = client_for(member)
    response = client.post(
        reverse("dialogue:post_update", args=[update.pk]), {"body": "About the prototype"}
    )
    on_update = Comment.objects.get(body="About the prototype")
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("dialogue:update", args=[update.pk]) + f"#comment-{on_update.pk}"
    )
    assert (on_update.update_id, on_update.idea_id) == (update.pk, idea.pk)
    reply = actions.post_comment(author, update, body="Thanks!", parent=on_update)

    update_page = client.get(reverse("dialogue:update", args=[update.pk])).content.decode()
    assert f'id="comment-{on_update.pk}"' in update_page
    assert f'id="comment-{reply.pk}"' in update_page
    assert "About the idea itself" not in update_page
    assert reverse("dialogue:post_update", args=[update.pk]) in update_page
    idea_page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "About the idea itself" in idea_page
    assert "About the prototype" not in idea_page and "Thanks!" not in idea_page

    update.refresh_from_db()
    idea.refresh_from_db()
    assert update.comment_count == 2 and idea.comment_count == 1
    assert on_idea.update_id is None
    # The permalink leads to the update page.
    link = client.get(reverse("dialogue:permalink", args=[reply.pk]))
    assert link["Location"].startswith(reverse("dialogue:update", args=[update.pk]))


def test_comments_on_an_update_through_the_api(idea, member, update, api_client):
    client = api_client(member)
    url = f"{API}/updates/{update.pk}/comments"
    response = post(client, url, {"body": "Does it leak?"})
    assert response.status_code == 201, response.content
    top = response.json()
    assert (top["update"], top["idea"]) == (update.pk, idea.pk)
    reply = post(client, url, {"body": "Follow-up", "parent": top["id"]})
    assert reply.status_code == 201 and reply.json()["parent"] == top["id"]
    listing = api_client(None).get(url).json()
    assert [c["body"] for c in listing["items"]] == ["Does it leak?", "Follow-up"]
    on_idea = api_client(None).get(f"{API}/ideas/{idea.pk}/comments").json()
    assert on_idea["count"] == 0
    assert api_client(None).get(f"{API}/updates/{update.pk}").json()["comment_count"] == 2
    idea.refresh_from_db()
    assert idea.comment_count == 0


def test_a_reply_must_be_in_the_same_discussion(idea, member, update, api_client):
    on_idea = actions.post_comment(member, idea, body="On the idea")
    before = state()
    with pytest.raises(Invalid):
        actions.post_comment(member, update, body="Reply", parent=on_idea)
    response = post(
        api_client(member),
        f"{API}/updates/{update.pk}/comments",
        {"body": "Reply", "parent": on_idea.pk},
    )
    assert_error(response, 422, "invalid", "parent")
    page = client_for(member).post(
        reverse("dialogue:post_update", args=[update.pk]), {"body": "Reply", "parent": on_idea.pk}
    )
    assert page.status_code == 404
    assert state() == before


def test_an_invalid_comment_on_an_update_is_422_and_creates_nothing(member, update, api_client):
    before = state()
    response = post(api_client(member), f"{API}/updates/{update.pk}/comments", {"body": " "})
    assert_error(response, 422, "invalid", "body")
    page = client_for(member).post(reverse("dialogue:post_update", args=[update.pk]), {"body": ""})
    assert page.status_code == 422
    assert state() == before


def test_outsiders_and_muted_members_cannot_comment_on_an_update(
    community, member, outsider, moderator, update, api_client
):
    mute(moderator, community, member)
    before = state()
    for person in (member, outsider):
        response = post(api_client(person), f"{API}/updates/{update.pk}/comments", {"body": "Hi"})
        assert response.status_code == 403
        page = client_for(person).post(
            reverse("dialogue:post_update", args=[update.pk]), {"body": "Hi"}
        )
        assert page.status_code == 403
    assert state() == before


def test_moderating_a_comment_on_an_update_keeps_both_counts_right(
    community, idea, member, moderator, make_members, update
):
    comment = actions.post_comment(member, update, body="Cheap watches")
    actions.post_comment(member, idea, body="On the idea")

    def counts():
        update.refresh_from_db()
        idea.refresh_from_db()
        return update.comment_count, idea.comment_count

    assert counts() == (1, 1)
    flag_all(make_members(community.flag_threshold), Item("comment", comment.pk, member))
    assert Comment.objects.get(pk=comment.pk).status == "hidden"
    assert counts() == (0, 1)
    moderation.decide(moderator, Comment.objects.get(pk=comment.pk), decision="restore", reason="")
    assert counts() == (1, 1)
    moderation.decide(
        moderator, Comment.objects.get(pk=comment.pk), decision="remove", reason="Spam"
    )
    assert counts() == (0, 1)


def test_deleting_a_comment_on_an_update_counts_on_the_update(idea, member, update):
    comment = actions.post_comment(member, update, body="Oops")
    actions.delete_comment(member, comment)
    update.refresh_from_db()
    idea.refresh_from_db()
    assert (update.comment_count, idea.comment_count) == (0, 0)


def test_commenting_on_an_update_tells_the_ideas_followers(idea, author, member, supporter, update):
    deliver()
    Notification.objects.all().delete()
    comment = actions.post_comment(member, update, body="Does it leak?")
    assert kinds(author) == ["comment"] and kinds(supporter) == ["comment"]
    note = Notification.objects.get(user=author)
    assert (note.comment_id, note.update_id) == (comment.pk, update.pk)
    assert Follow.objects.filter(user=member, idea=idea).exists()


# --- on the idea page -------------------------------------------------------------------------


def test_the_idea_page_shows_the_latest_three_updates_and_the_total(idea, author, member):
    for n in range(4):
        updates.post_update(author, idea, title=f"Progress report {n}", body=f"Step {n}.")
    page = client_for(member).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Updates from the authors" in page and "(4)" in page
    for n in (1, 2, 3):
        assert f"Progress report {n}" in page
    assert "Progress report 0" not in page
    assert page.index("Progress report 3") < page.index("Progress report 1")
    assert reverse("dialogue:updates", args=[idea.pk]) in page  # "All updates"
    assert reverse("dialogue:new_update", args=[idea.pk]) not in page  # not for members
    listing = client_for(member).get(reverse("dialogue:updates", args=[idea.pk])).content.decode()
    for n in range(4):
        assert f"Progress report {n}" in listing


def test_an_idea_without_updates_shows_no_card_to_readers(idea, author, member):
    page = client_for(member).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Updates from the authors" not in page
    mine = client_for(author).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Updates from the authors" in mine and "Post an update" in mine


def test_the_idea_api_counts_no_update_comments(idea, member, update, api_client):
    actions.post_comment(member, update, body="On the update")
    body = api_client(None).get(f"{API}/ideas/{idea.pk}").json()
    assert body["comment_count"] == 0


def test_a_deleted_update_is_gone_from_the_idea_page(idea, author, member, update):
    pk = update.pk
    updates.delete_update(author, update)
    page = client_for(member).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert TITLE not in page
    assert client_for(member).get(reverse("dialogue:update", args=[pk])).status_code == 404


def test_an_update_of_a_missing_idea_or_update_is_404(api_client, member):
    assert api_client(member).get(f"{API}/updates/999999").status_code == 404
    assert api_client(member).get(f"{API}/ideas/999999/updates").status_code == 404
    assert client_for(member).get(reverse("dialogue:update", args=[999999])).status_code == 404
