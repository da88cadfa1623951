"""@mentions: how they render (a link to the profile with class "mention"; never in
code, link text or e-mail addresses; ASCII handles end cleanly before Chinese text;
unknown handles stay text; any case), who is told (kind "mention", once per event
whatever else links them to it, never the writer, never someone who cannot see the
text, at most ten, and on an edit only the newly named), and the member search the
autocomplete asks."""

from __future__ import annotations

from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from cocreate.accounts.models import User
from cocreate.communities.models import Role
from cocreate.core.errors import Invalid
from cocreate.dialogue import actions, mentions, updates
from cocreate.dialogue.models import Comment
from cocreate.ideas import actions as idea_actions
from cocreate.notifications import actions as notification_actions
from cocreate.notifications.models import Kind, Notification
from tests.challenges.helpers import make_challenge
from tests.conftest import client_for
from tests.dialogue.helpers import API, Item, deliver, flag_all
from tests.factories import CommunityFactory, UserFactory, add_member

# --- helpers -------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = {k: v or "" for k, v in attrs} | {"text": ""}
            self.links.append(self._open)

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data


def links_in(html: str) -> list[dict[str, str]]:
    parser = _Links()
    parser.feed(str(html))
    return parser.links


def mention_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every mention link in the HTML."""
    return [
        (a.get("href", ""), a["text"])
        for a in links_in(html)
        if "mention" in a.get("class", "").split()
    ]


def profile(user: User) -> str:
    return reverse("accounts:profile", args=[user.pk])


def mentions_of(user: User) -> list[Notification]:
    deliver()
    return list(Notification.objects.filter(user=user, kind=Kind.MENTION).order_by("pk"))


def kinds(user: User) -> list[str]:
    deliver()
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


def told(kind: str) -> set[int]:
    deliver()
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


@pytest.fixture
def lily(community) -> User:
    user = UserFactory(display_name="Lily Lin", handle="lily")
    add_member(community, user)
    return user


@pytest.fixture
def bob(community) -> User:
    user = UserFactory(display_name="Bob Brown", handle="bob")
    add_member(community, user)
    return user


# --- rendering ------------------------------------------------------------------------------


def test_a_mention_links_to_the_profile_with_class_mention(lily):
    html, ids = mentions.render("Thanks @lily, see you!")
    [link] = links_in(html)
    assert link["href"] == profile(lily) and link["class"] == "mention"
    assert link["text"] == "@lily"
    assert ids == [lily.pk]


def test_a_mention_in_a_posted_comment_is_stored_linked(idea, member, lily):
    comment = actions.post_comment(member, idea, body="What do you think, @lily?")
    assert mention_links(comment.body_html) == [(profile(lily), "@lily")]
    page = client_for(member).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert mention_links(page) == [(profile(lily), "@lily")]


@pytest.mark.parametrize(
    "text",
    [
        "`@lily`",
        "Try `ping @lily` first",
        "```\n@lily\n```",
        "~~~python\nprint('@lily')\n~~~",
        "    @lily in an indented code block",
        "[@lily](https://example.org)",
        "[ask @lily here](https://example.org)",
        "[@lily][ref]\n\n[ref]: https://example.org",
        "<https://example.org/@lily>",
    ],
)
def test_no_mention_inside_code_or_link_text(lily, text):
    html, ids = mentions.render(text)
    assert mention_links(html) == [] and ids == []
    assert "@lily" in html  # still there, as text


@pytest.mark.parametrize(
    "text",
    [
        "Write to a@lily.com",
        "a@lily",
        "see https://example.org/@lily",
        "path/@lily",
        "x_@lily",
        "@@lily",
        "email <me@lily.org>",
        "@lily_x is someone else",
        "@lilypad",
    ],
)
def test_no_mention_inside_addresses_words_or_longer_handles(lily, text):
    html, ids = mentions.render(text)
    assert mention_links(html) == [] and ids == []


@pytest.mark.parametrize(
    "text",
    [
        "@lily你好",
        "你好@lily",  # Chinese text right before: no space needed
        "(@lily)",
        "**@lily**",
        "@lily.",
        "@lily, @lily!",
        "# Thanks @lily",
        "> @lily said so",
        "- @lily\n- someone",
    ],
)
def test_a_mention_ends_cleanly_at_punctuation_and_chinese_text(lily, text):
    html, ids = mentions.render(text)
    assert ids == [lily.pk]
    assert mention_links(html) and set(mention_links(html)) == {(profile(lily), "@lily")}


def test_mentions_before_chinese_text_keep_the_text(lily):
    html, _ids = mentions.render("@lily你好")
    assert "</a>你好" in html


def test_unknown_handles_stay_plain_text(lily):
    html, ids = mentions.render("Hello @nobody_here and @lily")
    assert ids == [lily.pk]
    assert mention_links(html) == [(profile(lily), "@lily")]
    assert "@nobody_here" in html


def test_handles_match_in_any_case(lily):
    UserFactory(display_name="Mixed", handle="MiXeD_Case")
    html, ids = mentions.render("@LILY and @Lily and @mixed_case")
    mixed = User.objects.get(handle="MiXeD_Case")
    assert ids == [lily.pk, mixed.pk]
    assert mention_links(html) == [
        (profile(lily), "@LILY"),
        (profile(lily), "@Lily"),
        (profile(mixed), "@mixed_case"),
    ]


def test_inactive_people_are_not_mentioned(lily):
    User.objects.filter(pk=lily.pk).update(is_active=False)
    html, ids = mentions.render("Hi @lily")
    assert ids == [] and mention_links(html) == []


def test_a_mention_is_escaped_like_any_text(lily):
    html, _ids = mentions.render("@lily <script>alert(1)</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_text_without_at_needs_no_query(lily, django_assert_num_queries):
    with django_assert_num_queries(0):
        mentions.render("Nothing to see, no at sign here.")


def test_a_handle_in_an_image_description_is_no_mention(lily):
    html, ids = mentions.render("![@lily](https://example.org/a.png)")
    assert mention_links(html) == []
    assert ids == []


# --- mention notifications: comments ----------------------------------------------------------


def test_a_mentioned_member_is_told_of_a_comment(idea, member, lily):
    comment = actions.post_comment(member, idea, body="@lily could you check the sizes?")
    [note] = mentions_of(lily)
    assert (note.kind, note.actor_id, note.comment_id, note.idea_id) == (
        "mention",
        member.pk,
        comment.pk,
        idea.pk,
    )
    assert note.update_id is None
    items = client_for(lily).get("/notifications/").content.decode()
    assert "mentioned you in a comment on" in items and "Refillable bottles" in items


def test_the_api_lists_the_mention(idea, member, lily, api_client):
    comment = actions.post_comment(member, idea, body="@lily could you check?")
    deliver()
    [item] = api_client(lily).get(f"{API}/notifications").json()["items"]
    assert item["kind"] == "mention"
    assert member.display_name in item["text"] and "Refillable bottles" in item["text"]
    assert item["url"] == reverse("dialogue:permalink", args=[comment.pk])


def test_a_mentioned_follower_is_told_once_as_a_mention(idea, member, lily, bob):
    idea_actions.support(lily, idea)  # supporters follow the idea
    notification_actions.follow(bob, idea=idea)
    deliver()
    actions.post_comment(member, idea, body="@lily and @bob, thoughts?")
    assert kinds(lily) == ["mention"] and kinds(bob) == ["mention"]


def test_a_mentioned_author_replied_to_is_told_once_as_a_mention(idea, author, member, lily):
    question = actions.post_comment(lily, idea, body="How big are they?")
    deliver()
    reply = actions.post_comment(member, idea, body="@lily about one litre", parent=question)
    deliver()
    notes = Notification.objects.filter(user=lily)
    assert list(notes.values_list("kind", "comment_id")) == [("mention", reply.pk)]
    # The idea's author follows their idea: told of the reply as a comment.
    assert "comment" in kinds(author)


def test_a_reply_tells_the_replied_to_and_the_mentioned_each_their_way(
    idea, author, member, lily, bob
):
    question = actions.post_comment(bob, idea, body="How big are they?")
    deliver()
    Notification.objects.all().delete()
    actions.post_comment(member, idea, body="Ask @lily, she measured", parent=question)
    assert kinds(bob) == ["reply"] and kinds(lily) == ["mention"]
    assert kinds(author) == ["comment"]  # following their idea
    assert kinds(member) == []


def test_the_writer_is_never_told_of_their_own_mention(idea, member):
    actions.post_comment(member, idea, body=f"Note to self, @{member.handle}: measure")
    assert kinds(member) == []


def test_a_mention_in_a_challenge_comment(challenge, member, lily):
    comment = actions.post_comment(member, challenge, body="@lily, is glass allowed?")
    [note] = mentions_of(lily)
    assert (note.comment_id, note.challenge_id, note.idea_id) == (comment.pk, challenge.pk, None)


@pytest.fixture
def hidden_room(db, author):
    """A private community with a challenge and an idea by `author` (a member)."""
    space = CommunityFactory(visibility="private")
    boss = UserFactory(display_name="Pia Private-Owner")
    add_member(space, boss, Role.OWNER)
    add_member(space, author, Role.MEMBER)
    insider = UserFactory(display_name="Ina Insider", handle="ina")
    add_member(space, insider)
    board = make_challenge(boss, space, title="Secret plans")
    idea = idea_actions.submit_idea(author, board, title="Quiet idea", body="Hush.")
    return SimpleNamespace(community=space, owner=boss, challenge=board, idea=idea, insider=insider)


def test_nobody_outside_a_private_community_is_told(hidden_room, author, lily):
    # Lily is a member of the public community only.
    comment = actions.post_comment(author, hidden_room.idea, body="@lily @ina have a look")
    assert mention_links(comment.body_html)  # both linked: handles are public
    assert mentions_of(lily) == []
    assert [n.comment_id for n in mentions_of(hidden_room.insider)] == [comment.pk]


def test_nobody_is_told_of_a_mention_on_an_idea_hidden_before_delivery(
    community, idea, member, lily, make_members
):
    actions.post_comment(member, idea, body="@lily look at this")
    flag_all(make_members(community.flag_threshold), Item("idea", idea.pk, idea.author))
    idea.refresh_from_db()
    assert idea.moderation == "hidden"
    assert mentions_of(lily) == []


def test_a_moderator_mentioned_on_a_hidden_idea_is_told(
    community, idea, member, moderator, make_members
):
    actions.post_comment(member, idea, body=f"@{moderator.handle} please look")
    flag_all(make_members(community.flag_threshold), Item("idea", idea.pk, idea.author))
    assert len(mentions_of(moderator)) == 1


def test_a_mention_in_a_comment_hidden_before_delivery_tells_nobody(
    community, idea, member, lily, make_members
):
    comment = actions.post_comment(member, idea, body="@lily buy my watches")
    flag_all(make_members(community.flag_threshold), Item("comment", comment.pk, member))
    assert Comment.objects.get(pk=comment.pk).status == "hidden"
    assert mentions_of(lily) == []


def test_an_inactive_member_is_not_told(idea, member, lily):
    comment = actions.post_comment(member, idea, body="@lily hi")
    User.objects.filter(pk=lily.pk).update(is_active=False)
    assert comment.pk and mentions_of(lily) == []


def test_a_member_who_muted_mentions_is_not_told(idea, member, lily):
    notification_actions.set_preferences(lily, muted_kinds=["mention"])
    actions.post_comment(member, idea, body="@lily hi")
    assert mentions_of(lily) == []


def test_at_most_ten_people_are_told_of_one_text(idea, member, make_members):
    people = make_members(12)
    body = " ".join(f"@{p.handle}" for p in people)
    comment = actions.post_comment(member, idea, body=body)
    assert len(mention_links(comment.body_html)) == 12  # all linked
    assert told(Kind.MENTION) == {p.pk for p in people[:10]}  # the first ten told
    assert Notification.objects.filter(kind=Kind.MENTION).count() == 10


def test_editing_a_comment_tells_only_the_newly_mentioned(idea, author, member, lily, bob):
    notification_actions.follow(author, idea=idea)
    comment = actions.post_comment(member, idea, body="@lily what do you think?")
    deliver()
    before = Notification.objects.count()
    actions.edit_comment(member, comment, body="@lily what do you think? And @bob?")
    assert kinds(lily) == ["mention"]  # not told again
    assert kinds(bob) == ["mention"]
    assert Notification.objects.count() == before + 1  # followers hear nothing of edits
    [note] = mentions_of(bob)
    assert note.comment_id == comment.pk
    # Naming nobody new tells nobody.
    actions.edit_comment(member, comment, body="@bob and @lily, what do you think?")
    assert Notification.objects.count() == before + 1


def test_an_edit_through_the_api_tells_the_newly_mentioned(idea, member, lily, api_client):
    comment = actions.post_comment(member, idea, body="What do you think?")
    response = api_client(member).patch(
        f"{API}/comments/{comment.pk}",
        {"body": "What do you think, @lily?"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert mention_links(response.json()["body_html"]) == [(profile(lily), "@lily")]
    assert [n.comment_id for n in mentions_of(lily)] == [comment.pk]


def test_posting_on_the_page_and_the_api_tells_the_mentioned(idea, member, lily, bob, api_client):
    client_for(member).post(reverse("dialogue:post_idea", args=[idea.pk]), {"body": "Hi @lily"})
    response = api_client(member).post(
        f"{API}/ideas/{idea.pk}/comments", {"body": "Hi @bob"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert kinds(lily) == ["mention"] and kinds(bob) == ["mention"]


# --- mention notifications: updates -----------------------------------------------------------


def test_a_mention_in_an_update_tells_the_mentioned_once(idea, author, lily, bob):
    idea_actions.support(lily, idea)  # follows the idea: would get idea_update otherwise
    idea_actions.support(bob, idea)
    deliver()
    update = updates.post_update(author, idea, title="Prototype", body="Thanks @lily!")
    assert kinds(lily) == ["mention"]
    assert kinds(bob) == ["idea_update"]
    [note] = mentions_of(lily)
    assert (note.update_id, note.idea_id, note.comment_id) == (update.pk, idea.pk, None)
    page = client_for(lily).get("/notifications/").content.decode()
    assert "mentioned you in an update on" in page


def test_an_update_edit_tells_only_the_newly_mentioned(idea, author, lily, bob, member):
    idea_actions.support(member, idea)
    deliver()
    update = updates.post_update(author, idea, title="Prototype", body="Thanks @lily!")
    deliver()
    before = Notification.objects.count()
    updates.edit_update(author, update, title="Prototype", body="Thanks @lily and @bob!")
    assert kinds(bob) == ["mention"] and kinds(lily) == ["mention"]
    assert kinds(member) == ["idea_update"]  # not told again of the edit
    assert Notification.objects.count() == before + 1


def test_an_update_on_a_private_idea_tells_no_outsider(hidden_room, author, lily):
    updates.post_update(author, hidden_room.idea, title="News", body="@lily @ina news")
    assert mentions_of(lily) == []
    assert len(mentions_of(hidden_room.insider)) == 1


def test_a_mention_in_a_comment_on_an_update(idea, author, member, lily):
    update = updates.post_update(author, idea, title="Prototype", body="It works.")
    comment = actions.post_comment(member, update, body="Great! @lily look")
    [note] = mentions_of(lily)
    assert (note.comment_id, note.update_id, note.idea_id) == (comment.pk, update.pk, idea.pk)


def test_the_author_mentioning_themselves_in_an_update_is_not_told(idea, author):
    updates.post_update(author, idea, title="Me", body=f"@{author.handle} wrote this")
    assert kinds(author) == []


# --- the member search behind the autocomplete -------------------------------------------------


@pytest.fixture
def people(community, lily):
    """Members whose handles or names contain "li" in different ways."""
    liam = UserFactory(display_name="Liam Smith", handle="liam_s")
    amelia = UserFactory(display_name="Amelia Stone", handle="amelia")  # "li" in the name
    zoe = UserFactory(display_name="Zoë Li", handle="zoe_li")  # "li" in handle and name
    gone = UserFactory(display_name="Lisa Left", handle="lisa", is_active=False)
    stranger = UserFactory(display_name="Linus Far", handle="linus")  # not a member
    other = UserFactory(display_name="Otto Other", handle="otto")
    for user in (liam, amelia, zoe, gone, other):
        add_member(community, user)
    return SimpleNamespace(
        lily=lily, liam=liam, amelia=amelia, zoe=zoe, gone=gone, stranger=stranger, other=other
    )


def search(community, q, client=None, **params):
    client = client or Client()
    response = client.get(f"{API}/communities/{community.slug}/members", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [item["user"]["handle"] for item in response.json()["items"]]


def test_handle_prefix_matches_come_first_then_names(community, people):
    # Handle prefix: Liam Smith, Lily Lin (by name); then names containing "li".
    assert search(community, "li") == ["liam_s", "lily", "amelia", "zoe_li"]


def test_the_at_sign_is_ignored(community, people):
    assert search(community, "@li") == search(community, "li")
    assert search(community, "@lil") == ["lily"]


def test_the_search_ignores_case(community, people):
    assert search(community, "LI") == search(community, "li")
    assert search(community, "LIAM") == ["liam_s"]


def test_inactive_people_and_non_members_are_not_offered(community, people):
    found = search(community, "l")
    assert "lisa" not in found and "linus" not in found
    assert "lisa" not in search(community, "lisa")


def test_a_name_substring_finds_the_member(community, people):
    assert search(community, "stone") == ["amelia"]
    assert search(community, "smith") == ["liam_s"]


def test_nothing_matching_is_an_empty_list(community, people):
    assert search(community, "zzz") == []


def test_each_item_carries_the_handle_and_the_name(community, people):
    response = Client().get(f"{API}/communities/{community.slug}/members", {"q": "lil"})
    [item] = response.json()["items"]
    assert item["user"] == {"id": people.lily.pk, "display_name": "Lily Lin", "handle": "lily"}


def test_the_page_size_the_autocomplete_asks_for_is_honoured(community, make_members):
    crowd = make_members(12)
    for i, person in enumerate(crowd):
        User.objects.filter(pk=person.pk).update(handle=f"crowd{i:02d}")
    response = Client().get(
        f"{API}/communities/{community.slug}/members", {"q": "crowd", "page_size": 8}
    )
    body = response.json()
    assert body["count"] == 12 and len(body["items"]) == 8


def test_a_private_community_is_searched_only_by_its_members(hidden_room, author, lily, api_client):
    url = f"{API}/communities/{hidden_room.community.slug}/members"
    assert Client().get(url, {"q": "in"}).status_code == 404
    assert api_client(lily).get(url, {"q": "in"}).status_code == 404
    found = api_client(author).get(url, {"q": "in"}).json()["items"]
    assert [i["user"]["handle"] for i in found] == ["ina"]


def test_comment_boxes_point_the_autocomplete_at_the_member_search(idea, member, community):
    page = client_for(member).get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert f'data-mentions="/api/v1/communities/{community.slug}/members"' in page


def test_a_refused_comment_tells_nobody(idea, member, lily):
    with pytest.raises(Invalid):
        actions.post_comment(member, idea, body="@lily " + "x" * 10_000)
    assert mentions_of(lily) == []
    assert not Comment.objects.exists()
