"""The moderators' queue and their decisions: hidden and reported content waits in
the queue (page and API); restoring makes it visible again and starts the flags
over, removing needs a reason; the author is told; nobody else sees the queue or
decides. Every item test runs for a comment and for an idea."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cocreate.communities.models import Role
from cocreate.dialogue import actions, moderation
from cocreate.dialogue.models import Comment, ModerationAction, ModerationEntry
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea
from tests.conftest import client_for
from tests.dialogue.helpers import API, assert_error, emails_to, flag_all, state
from tests.factories import CommunityFactory, UserFactory, add_member


def decide_json(client, item, decision, reason=""):
    return client.post(
        item.decide_api, {"decision": decision, "reason": reason}, content_type="application/json"
    )


def text_of(item):
    target = item.get()
    return target.body if isinstance(target, Comment) else target.title


def in_queue(item, moderator, api_client) -> bool:
    community = item.get().challenge.community
    queue = api_client(moderator).get(f"{API}/communities/{community.slug}/moderation/queue")
    assert queue.status_code == 200, queue.content
    return item.pk in [found["id"] for found in queue.json()[f"{item.kind}s"]]


def readable_by_anyone(item) -> bool:
    """Whether an anonymous visitor can read the item's text."""
    target = item.get()
    if isinstance(target, Idea):
        return client_for(None).get(reverse("ideas:detail", args=[target.pk])).status_code == 200
    page = client_for(None).get(reverse("ideas:detail", args=[target.idea_id]))
    return target.body in page.content.decode()


def test_moderators_see_hidden_content_in_the_queue(
    item, community, moderator, staff, owner, site_staff, make_members, api_client
):
    flag_all(make_members(3), item, reason="abuse")
    slug = community.slug
    for person in (moderator, staff, owner, site_staff):
        page = client_for(person).get(reverse("dialogue:queue", args=[slug]))
        assert page.status_code == 200, person
        html = page.content.decode()
        assert text_of(item) in html and "Hidden pending review" in html
        assert item.decide_page in html

    response = api_client(moderator).get(f"{API}/communities/{slug}/moderation/queue")
    assert response.status_code == 200, response.content
    queue = response.json()
    [found] = [found for found in queue[f"{item.kind}s"] if found["id"] == item.pk]
    assert found["status"] == "hidden"
    assert text_of(item) in (found["title"] or found["body"])
    assert [f["reason"] for f in found["flags"]] == ["abuse"] * 3


def test_reported_but_still_visible_content_waits_in_the_queue(
    item, community, moderator, member, api_client
):
    moderation.flag(member, item.get(), reason="privacy", note="My phone number")
    queue = api_client(moderator).get(f"{API}/communities/{community.slug}/moderation/queue")
    [found] = [found for found in queue.json()[f"{item.kind}s"] if found["id"] == item.pk]
    assert found["status"] == "visible"
    assert [(f["reason"], f["note"]) for f in found["flags"]] == [("privacy", "My phone number")]
    page = client_for(moderator).get(reverse("dialogue:queue", args=[community.slug]))
    assert "My phone number" in page.content.decode()


def test_the_queue_link_is_for_moderators(community, moderator, member):
    url = reverse("dialogue:queue", args=[community.slug])
    page = reverse("communities:detail", args=[community.slug])
    assert url in client_for(moderator).get(page).content.decode()
    assert url not in client_for(member).get(page).content.decode()
    assert url not in client_for(None).get(page).content.decode()


@pytest.mark.parametrize("via", ["page", "api"])
def test_restore_makes_it_visible_again(item, moderator, make_members, api_client, via):
    flag_all(make_members(3), item)
    assert not readable_by_anyone(item)

    if via == "page":
        response = client_for(moderator).post(
            item.decide_page, {"decision": "restore", "reason": "Fair criticism, not abuse"}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "dialogue:queue", args=[item.get().challenge.community.slug]
        )
    else:
        response = decide_json(api_client(moderator), item, "restore", "Fair criticism, not abuse")
        assert response.status_code == 200, response.content
        assert response.json() == {"id": item.pk, "kind": item.kind, "status": "visible"}

    assert item.state == "visible" and item.flag_count == 0
    assert item.flags().count() == 3
    assert not item.flags().filter(resolved_at__isnull=True).exists()
    assert readable_by_anyone(item)
    entry = ModerationEntry.objects.get(action=ModerationAction.RESTORED)
    assert (entry.actor, entry.subject, entry.reason) == (
        moderator,
        item.author,
        "Fair criticism, not abuse",
    )
    [told] = emails_to(item.author, "visible again")
    assert "Fair criticism, not abuse" in told.body
    assert not in_queue(item, moderator, api_client)


def test_after_a_restore_the_flags_start_over(item, make_members, moderator, api_client):
    first = make_members(3)
    flag_all(first, item)
    moderation.decide(moderator, item.get(), decision="restore", reason="")
    # Those who flagged it already cannot flag it again...
    response = api_client(first[0]).post(
        item.flag_api, {"reason": "spam"}, content_type="application/json"
    )
    assert response.status_code == 409
    # ...and the old flags no longer count toward the threshold.
    later = make_members(3)
    flag_all(later[:2], item)
    assert item.state == "visible" and item.flag_count == 2
    flag_all(later[2:], item)
    assert item.state == "hidden"
    assert ModerationEntry.objects.filter(action="auto_hidden").count() == 2


@pytest.mark.parametrize("via", ["page", "api"])
def test_remove_needs_a_reason_and_otherwise_changes_nothing(
    item, moderator, make_members, api_client, via
):
    flag_all(make_members(3), item)
    before = state()
    if via == "page":
        response = client_for(moderator).post(
            item.decide_page, {"decision": "remove", "reason": " "}
        )
        assert response.status_code == 422
    else:
        response = decide_json(api_client(moderator), item, "remove", "  ")
        assert_error(response, 422, "invalid", "reason")
    assert state() == before
    assert item.state == "hidden"


def test_unknown_decision_is_422(item, moderator, make_members, api_client):
    flag_all(make_members(3), item)
    before = state()
    assert_error(decide_json(api_client(moderator), item, "shrug", "x"), 422, "invalid")
    response = client_for(moderator).post(item.decide_page, {"decision": "shrug", "reason": "x"})
    assert response.status_code == 422
    assert state() == before


@pytest.mark.parametrize("via", ["page", "api"])
def test_remove_with_a_reason(item, moderator, make_members, api_client, via):
    flag_all(make_members(3), item)
    reason = "Advertising is against rule 2."
    if via == "page":
        response = client_for(moderator).post(
            item.decide_page, {"decision": "remove", "reason": reason}
        )
        assert response.status_code == 302
    else:
        response = decide_json(api_client(moderator), item, "remove", reason)
        assert response.status_code == 200 and response.json()["status"] == "removed"

    assert item.state == "removed" and item.flag_count == 0
    assert not item.flags().filter(resolved_at__isnull=True).exists()
    assert not readable_by_anyone(item)
    entry = ModerationEntry.objects.get(action=ModerationAction.REMOVED)
    assert (entry.actor, entry.subject, entry.reason) == (moderator, item.author, reason)
    [told] = emails_to(item.author, "was removed")
    assert reason in told.body
    # Removed content has left the queue; it stays out of sight.
    assert not in_queue(item, moderator, api_client)


def test_a_removed_comment_leaves_a_placeholder(idea, member, author, moderator):
    comment = actions.post_comment(member, idea, body="Rude words here")
    actions.post_comment(author, idea, body="Please keep it civil")
    moderation.decide(moderator, comment, decision="remove", reason="Rude")
    html = client_for(None).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert "removed by moderators" in html
    assert "Rude words here" not in html


def test_unreported_content_is_not_in_the_queue(
    idea, author, member, community, moderator, api_client
):
    actions.post_comment(member, idea, body="A friendly comment")
    actions.post_comment(author, idea.challenge, body="A question about the challenge")
    response = api_client(moderator).get(f"{API}/communities/{community.slug}/moderation/queue")
    assert response.json() == {"comments": [], "ideas": []}
    page = client_for(moderator).get(reverse("dialogue:queue", args=[community.slug]))
    assert "A friendly comment" not in page.content.decode()


def test_moderators_may_remove_content_nobody_flagged(item, moderator):
    moderation.decide(moderator, item.get(), decision="remove", reason="Spam bot")
    assert item.state == "removed"


def test_nothing_to_decide_is_409(item, moderator, api_client):
    before = state()
    assert_error(decide_json(api_client(moderator), item, "restore"), 409, "conflict")
    assert state() == before


def test_a_comment_its_author_deleted_is_not_decided(idea, author, member, moderator, api_client):
    comment = actions.post_comment(member, idea, body="Question")
    actions.post_comment(author, idea, body="Answer", parent=comment)
    actions.delete_comment(member, comment)
    before = state()
    response = api_client(moderator).post(
        f"{API}/comments/{comment.pk}/moderation",
        {"decision": "remove", "reason": "x"},
        content_type="application/json",
    )
    assert_error(response, 409, "conflict")
    assert state() == before


def test_the_ideas_comment_count_counts_visible_comments(idea, make_members, moderator, api_client):
    a, b, c, d = make_members(4)
    first = actions.post_comment(a, idea, body="First")
    second = actions.post_comment(b, idea, body="Second")

    def count():
        shown = api_client(None).get(f"{API}/ideas/{idea.pk}").json()["comment_count"]
        assert shown == Idea.objects.get(pk=idea.pk).comment_count
        return shown

    assert count() == 2
    moderation.flag(c, first, reason="spam")
    moderation.flag(d, first, reason="spam")
    moderation.flag(b, first, reason="spam")
    assert Comment.objects.get(pk=first.pk).status == "hidden" and count() == 1
    moderation.decide(moderator, Comment.objects.get(pk=first.pk), decision="restore", reason="")
    assert count() == 2
    moderation.decide(moderator, second, decision="remove", reason="Off topic")
    assert count() == 1
    moderation.decide(moderator, first, decision="remove", reason="Spam after all")
    assert count() == 0
    moderation.decide(moderator, Comment.objects.get(pk=second.pk), decision="restore", reason="")
    assert count() == 1
    page = client_for(None).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Second" in page and "First" not in page


def test_most_discussed_counts_only_visible_comments(
    challenge, idea, make_members, moderator, api_client
):
    other = idea_actions.submit_idea(
        make_members(1)[0], challenge, title="Reusable crates", body="Crates."
    )
    people = make_members(3)
    loud = [actions.post_comment(p, idea, body=f"Comment {i}") for i, p in enumerate(people)]
    actions.post_comment(people[0], other, body="Nice")
    url = f"{API}/challenges/{challenge.pk}/ideas?sort=discussed"
    assert [i["id"] for i in api_client(None).get(url).json()["items"]] == [idea.pk, other.pk]
    for comment in loud:
        moderation.decide(moderator, comment, decision="remove", reason="Spam")
    assert [i["id"] for i in api_client(None).get(url).json()["items"]] == [other.pk, idea.pk]


@pytest.mark.parametrize("who", ["member", "outsider", "author"])
def test_non_moderators_neither_see_nor_decide(
    item, community, make_members, api_client, request, who
):
    flag_all(make_members(3), item)
    person = item.author if who == "author" else request.getfixturevalue(who)
    before = state()
    client, api = client_for(person), api_client(person)
    slug = community.slug
    for url in (
        reverse("dialogue:queue", args=[slug]),
        reverse("dialogue:log", args=[slug]),
        reverse("dialogue:member", args=[slug, item.author.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for decision in ("restore", "remove"):
        assert (
            client.post(item.decide_page, {"decision": decision, "reason": "x"}).status_code == 403
        )
        assert_error(decide_json(api, item, decision, "x"), 403, "forbidden")
    assert_error(api.get(f"{API}/communities/{slug}/moderation/queue"), 403, "forbidden")
    assert_error(api.get(f"{API}/communities/{slug}/moderation/log"), 403, "forbidden")
    assert state() == before
    assert item.state == "hidden"


def test_anonymous_visitors_neither_see_nor_decide(item, community, make_members, api_client):
    flag_all(make_members(3), item)
    before = state()
    client, api = client_for(None), api_client(None)
    slug = community.slug
    for url in (
        reverse("dialogue:queue", args=[slug]),
        reverse("dialogue:log", args=[slug]),
        reverse("dialogue:member", args=[slug, item.author.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(item.decide_page, {"decision": "restore", "reason": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert decide_json(api, item, "restore", "x").status_code == 401
    assert api.get(f"{API}/communities/{slug}/moderation/queue").status_code == 401
    assert api.get(f"{API}/communities/{slug}/moderation/log").status_code == 401
    assert state() == before


def test_moderators_of_another_community_cannot_decide(item, make_members, api_client):
    flag_all(make_members(3), item)
    elsewhere = CommunityFactory()
    stranger = UserFactory()
    add_member(elsewhere, stranger, Role.MODERATOR)
    before = state()
    assert_error(decide_json(api_client(stranger), item, "restore"), 403, "forbidden")
    assert client_for(stranger).post(item.decide_page, {"decision": "restore"}).status_code == 403
    assert state() == before


def test_a_private_communitys_queue_is_unknown_to_outsiders(outsider, api_client):
    from cocreate.communities.models import Visibility

    private = CommunityFactory(visibility=Visibility.PRIVATE)
    assert_error(
        api_client(outsider).get(f"{API}/communities/{private.slug}/moderation/queue"),
        404,
        "not_found",
    )
    assert (
        client_for(outsider).get(reverse("dialogue:queue", args=[private.slug])).status_code == 404
    )
