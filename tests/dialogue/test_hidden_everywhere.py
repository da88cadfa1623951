"""Hidden and removed content appears nowhere but in the moderators' queue: a
crawler follows every same-site link from the community, challenge and idea pages
(as a visitor, a member, a supporter of the hidden idea and the hidden content's
own author), every page an id leads to is fetched, the API's read endpoints are
walked for every idea and comment, notifications and digests are read, and none of
the hidden texts may appear anywhere. A moderator's crawl, by contrast, finds them."""

from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote_plus, urldefrag, urljoin, urlsplit

import pytest
from django.urls import reverse

from cocreate.dialogue import moderation
from cocreate.dialogue.actions import post_comment
from cocreate.dialogue.models import Comment
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea
from tests.conftest import client_for
from tests.dialogue.helpers import API, Item, deliver, emails_to, flag_all

# One made-up word in each hidden or removed text: none of them may be served.
SECRETS = {
    "hidden reply": "Zorblax",
    "removed comment": "Quintrell",
    "hidden challenge comment": "Vexmoor",
    "hidden idea title": "Plimbury",
    "hidden idea body": "Snarfwick",
    "hidden idea tag": "grobnitz",
    "hidden idea, edited": "Kerfuffin",
    "hidden remix title": "Fizzgig",
    "removed idea title": "Trundlebee",
    "removed idea body": "Wombleck",
    "comment on the hidden idea": "Glorptastic",
}
# What stays visible (the crawl must reach it, or it proves nothing).
VISIBLE = ["Okapi", "Which bottles fit?", "Standard ones fit", "A fine challenge question"]

SKIP = ("/accounts/logout", "/language", "/media/", "/static/", "/api/", "/admin")
LINK = re.compile(r"""(?:href|hx-get|src)\s*=\s*["']([^"']+)["']""")
LIMIT = 400


@dataclass
class World:
    community: Any
    challenge: Any
    idea: Any
    writer: Any  # the author of everything hidden
    reader: Any  # a member who reads along
    supporter: Any  # supports and discusses the hidden idea (so follows it)
    moderator: Any
    ideas: list[int]
    comments: list[int]
    hidden_idea: Any
    removed_idea: Any
    remix: Any
    hidden_reply: Any
    on_hidden_idea: Any


@pytest.fixture
def world(community, owner, moderator, challenge, idea, author, member, make_members):
    a, b, c = make_members(3)
    writer = b
    flaggers = make_members(3)
    idea_actions.edit_idea(author, idea, body="Bottles you bring back and refill, twice.")
    # The reader joins the discussion first, so they are notified of what follows.
    post_comment(member, idea, body="My own visible comment")
    # A thread on the visible idea whose middle reply gets hidden, and a removed comment.
    question = post_comment(a, idea, body="Which bottles fit?")
    hidden_reply = post_comment(writer, idea, body="Zorblax sells bottles", parent=question)
    post_comment(c, idea, body="Standard ones fit", parent=hidden_reply)
    removed_comment = post_comment(writer, idea, body="Quintrell is rude")
    post_comment(c, idea, body="Okapi is a visible word")
    # On the challenge itself.
    hidden_on_challenge = post_comment(writer, challenge, body="Vexmoor advertising")
    post_comment(a, challenge, body="A fine challenge question")
    # A hidden idea with history, a supporter, a decision, a remix and a discussion.
    hidden_idea = idea_actions.submit_idea(
        writer,
        challenge,
        title="Plimbury bottle scheme",
        body="Snarfwick deposit",
        tags=["grobnitz"],
    )
    idea_actions.edit_idea(writer, hidden_idea, body="Snarfwick deposit, Kerfuffin edition")
    idea_actions.support(a, hidden_idea)
    idea_actions.change_stage(owner, hidden_idea, stage="under_review", reason="Promising")
    remix = idea_actions.submit_idea(
        a, challenge, title="Remix of something", body="Ours.", parent=hidden_idea
    )
    hidden_remix = idea_actions.submit_idea(
        writer, challenge, title="Fizzgig remix", body="A remix.", parent=idea
    )
    on_hidden_idea = post_comment(a, hidden_idea, body="Glorptastic thoughts")
    # A duplicate merged into the visible idea, then removed.
    removed_idea = idea_actions.submit_idea(
        writer, challenge, title="Trundlebee duplicate", body="Wombleck text"
    )
    idea_actions.merge_ideas(owner, removed_idea, idea, reason="Same as the bottles")
    # Notifications and automatic follows, as the commits would have made them.
    deliver()

    for comment in (hidden_reply, hidden_on_challenge):
        flag_all(flaggers, Item("comment", comment.pk, writer))
    for hidden in (hidden_idea, hidden_remix):
        flag_all(flaggers, Item("idea", hidden.pk, writer))
    moderation.decide(moderator, removed_comment, decision="remove", reason="Rude")
    moderation.decide(
        moderator, Idea.objects.get(pk=removed_idea.pk), decision="remove", reason="Spam"
    )
    deliver()
    return World(
        community=community,
        challenge=challenge,
        idea=idea,
        writer=writer,
        reader=member,
        supporter=a,
        moderator=moderator,
        ideas=sorted(Idea.objects.values_list("pk", flat=True)),
        comments=sorted(Comment.objects.values_list("pk", flat=True)),
        hidden_idea=hidden_idea,
        removed_idea=removed_idea,
        remix=remix,
        hidden_reply=hidden_reply,
        on_hidden_idea=on_hidden_idea,
    )


def leaks(text: str, url: str = "") -> list[str]:
    """Which secrets `text` shows; a word the URL itself carries (a search box
    echoing ?q=) does not count."""
    lowered, asked = text.lower(), unquote_plus(url).lower()
    return [
        name
        for name, word in SECRETS.items()
        if word.lower() in lowered and word.lower() not in asked
    ]


def crawl(client, starts: list[str]) -> dict[str, tuple[int, str]]:
    """GET every same-site page reachable from `starts` (redirects and links),
    up to LIMIT pages: url -> (status, body)."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(starts)
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        body = response.content.decode(errors="replace")
        seen[url] = (response.status_code, body)
        found = []
        if response.status_code in (301, 302, 303, 307, 308):
            found.append(response["Location"])
        if "html" in response.get("Content-Type", ""):
            found += [html.unescape(link) for link in LINK.findall(body)]
        for link in found:
            absolute, _fragment = urldefrag(urljoin("http://testserver" + url, link))
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if not path.startswith(SKIP) and path not in seen:
                queue.append(path)
    return seen


def page_starts(world: World) -> list[str]:
    """The community, the challenge (with searches, filters and sorts that would
    find the hidden ideas) and every idea page."""
    challenge = reverse("challenges:detail", args=[world.challenge.pk])
    starts = [
        "/",
        reverse("communities:detail", args=[world.community.slug]),
        challenge,
        f"{challenge}?sort=discussed",
        f"{challenge}?sort=new",
        f"{challenge}?stage=under_review",
        f"{challenge}?stage=merged",
        f"{challenge}?tag=grobnitz",
        reverse("challenges:decisions", args=[world.challenge.pk]),
        reverse("ideas:similar", args=[world.challenge.pk])
        + "?title=Plimbury+bottle+scheme&body=Snarfwick+deposit",
        reverse("accounts:profile", args=[world.writer.pk]),
    ]
    # Searches for the secret words, and for other words of the hidden texts.
    words = [*SECRETS.values(), "scheme", "deposit", "sells", "advertising", "duplicate"]
    starts += [f"{challenge}?q={quote(word)}" for word in words]
    starts += [reverse("ideas:detail", args=[pk]) for pk in world.ideas]
    return starts


def assert_nothing_leaks(responses: dict[str, tuple[int, str]]) -> None:
    errors = {url: status for url, (status, _body) in responses.items() if status >= 500}
    assert not errors, errors
    found = {url: leaks(body, url) for url, (_status, body) in responses.items()}
    found = {url: names for url, names in found.items() if names}
    assert not found, found


@pytest.mark.parametrize("who", ["anonymous", "reader", "supporter", "writer"])
def test_no_page_shows_hidden_or_removed_content(world, who):
    person = None if who == "anonymous" else getattr(world, who)
    responses = crawl(client_for(person), page_starts(world))

    assert_nothing_leaks(responses)
    # The crawl did reach the places where the content used to be...
    everything = "\n".join(body for _status, body in responses.values())
    for text in VISIBLE:
        assert text in everything, text
    ok = {url for url, (status, _body) in responses.items() if status == 200}
    assert reverse("ideas:detail", args=[world.remix.pk]) in ok
    assert reverse("ideas:lineage", args=[world.remix.pk]) in ok
    assert reverse("ideas:versions", args=[world.idea.pk]) in ok
    assert len(responses) > 20
    if person is not None:
        # The feed was read too (the reader was notified of the comments around).
        assert responses["/notifications/"][0] == 200
    if who == "reader":
        assert "Okapi" in responses["/notifications/"][1]
    # ...and hidden ideas are not found, for anyone but moderators.
    hidden = reverse("ideas:detail", args=[world.hidden_idea.pk])
    assert responses[hidden][0] == 404


@pytest.mark.parametrize("who", ["supporter", "writer"])
def test_what_i_follow_does_not_show_hidden_ideas(world, who):
    response = client_for(getattr(world, who)).get(reverse("notifications:follows"))
    assert response.status_code == 200
    assert not leaks(response.content.decode())


def test_digests_leave_hidden_content_out(world):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from cocreate.notifications import digests

    already = len(mail.outbox)
    sent = digests.send_due(now=timezone.now() + timedelta(days=1))
    new = mail.outbox[already:]
    assert sent >= 2 and len(new) == sent
    assert any("Okapi" in m.body for m in new)  # the digests are not empty
    found = {m.to[0]: leaks(m.subject + m.body) for m in new}
    assert not {to: names for to, names in found.items() if names}


def pages_by_id(world: World) -> list[str]:
    """Every page a comment or idea id leads to, linked or not: permalinks, history,
    edit, report and reply forms (quoting any comment), idea versions, lineage and
    the remix and resubmit forms."""
    urls = []
    for comment in Comment.objects.filter(pk__in=world.comments):
        reply = (
            reverse("dialogue:post_idea", args=[comment.idea_id])
            if comment.idea_id
            else reverse("dialogue:post_challenge", args=[comment.challenge_id])
        )
        urls += [
            reverse("dialogue:permalink", args=[comment.pk]),
            reverse("dialogue:history", args=[comment.pk]),
            reverse("dialogue:edit", args=[comment.pk]),
            reverse("dialogue:flag_comment", args=[comment.pk]),
        ]
        urls.append(f"{reply}?parent={comment.pk}")
    new = reverse("ideas:new", args=[world.challenge.pk])
    for pk in world.ideas:
        urls += [
            reverse("ideas:detail", args=[pk]),
            reverse("ideas:versions", args=[pk]),
            reverse("ideas:lineage", args=[pk]),
            reverse("ideas:edit", args=[pk]),
            reverse("dialogue:flag_idea", args=[pk]),
            reverse("dialogue:post_idea", args=[pk]),
            f"{new}?remix={pk}",
            f"{new}?resubmit={pk}",
        ]
    return urls


def fetch(client, urls: list[str]) -> dict[str, tuple[int, str]]:
    out = {}
    for url in urls:
        response = client.get(url)
        out[url] = (response.status_code, response.content.decode(errors="replace"))
    return out


@pytest.mark.parametrize("who", ["anonymous", "reader", "supporter", "writer"])
def test_no_page_reached_by_id_shows_hidden_content(world, who):
    person = None if who == "anonymous" else getattr(world, who)
    responses = fetch(client_for(person), pages_by_id(world))
    assert_nothing_leaks(responses)
    for pk in (world.hidden_idea.pk, world.removed_idea.pk):
        assert responses[reverse("ideas:detail", args=[pk])][0] == 404
    assert responses[reverse("dialogue:history", args=[world.hidden_reply.pk])][0] == 404


@pytest.mark.parametrize("who", ["reader", "writer"])
def test_the_reply_form_does_not_quote_a_hidden_or_removed_comment(world, who):
    person = getattr(world, who)
    urls = [
        reverse("dialogue:post_idea", args=[comment.idea_id]) + f"?parent={comment.pk}"
        for comment in Comment.objects.filter(status__in=["hidden", "removed"], idea__isnull=False)
    ]
    assert len(urls) == 2
    responses = fetch(client_for(person), urls)
    assert all(status in (200, 403, 404) for status, _body in responses.values())
    assert_nothing_leaks(responses)


def test_the_reply_form_quotes_only_a_comment_of_this_discussion(idea, member):
    from cocreate.communities.models import Role, Visibility
    from tests.challenges.helpers import make_challenge
    from tests.factories import CommunityFactory, UserFactory, add_member

    private = CommunityFactory(visibility=Visibility.PRIVATE)
    boss = UserFactory()
    add_member(private, boss, Role.OWNER)
    elsewhere = post_comment(boss, make_challenge(boss, private), body="Plimbury merger plans")
    url = reverse("dialogue:post_idea", args=[idea.pk]) + f"?parent={elsewhere.pk}"
    response = client_for(member).get(url)
    assert response.status_code in (200, 403, 404)
    assert not leaks(response.content.decode())


def test_the_resubmit_form_does_not_bring_back_a_hidden_idea(world):
    new = reverse("ideas:new", args=[world.challenge.pk])
    response = client_for(world.writer).get(f"{new}?resubmit={world.hidden_idea.pk}")
    assert response.status_code in (200, 403, 404)
    assert not leaks(response.content.decode())


def api_urls(world: World) -> list[str]:
    """Every read endpoint of the API over every idea and comment."""
    c = world.challenge.pk
    urls = [
        f"{API}/communities/{world.community.slug}",
        f"{API}/communities/{world.community.slug}/challenges",
        f"{API}/challenges/{c}",
        f"{API}/challenges/{c}/comments?page_size=100",
        f"{API}/challenges/{c}/decisions?page_size=100",
        f"{API}/ideas/similar?challenge={c}&text=Plimbury+Snarfwick+Kerfuffin+Fizzgig+Trundlebee",
        f"{API}/challenges/{c}/ideas?page_size=100&tag=grobnitz",
        f"{API}/challenges/{c}/ideas?page_size=100&stage=merged",
        f"{API}/challenges/{c}/ideas?page_size=100&stage=under_review",
        f"{API}/notifications?page_size=100",
        f"{API}/follows?page_size=100",
    ]
    urls += [
        f"{API}/challenges/{c}/ideas?page_size=100&sort={sort}"
        for sort in ("hot", "top", "new", "discussed")
    ]
    words = [*SECRETS.values(), "scheme", "deposit", "remix", "duplicate"]
    urls += [f"{API}/challenges/{c}/ideas?q={quote(word)}" for word in words]
    for pk in world.ideas:
        urls += [
            f"{API}/ideas/{pk}",
            f"{API}/ideas/{pk}/comments?page_size=100",
            f"{API}/ideas/{pk}/lineage",
            f"{API}/ideas/{pk}/versions",
            f"{API}/ideas/{pk}/history",
            f"{API}/ideas/{pk}/merges",
            f"{API}/ideas/{pk}/coauthors",
        ]
    for pk in world.comments:
        urls += [f"{API}/comments/{pk}", f"{API}/comments/{pk}/versions"]
    return urls


@pytest.mark.parametrize("who", ["anonymous", "reader", "supporter", "writer"])
def test_no_api_response_carries_hidden_or_removed_content(world, api_client, who):
    person = None if who == "anonymous" else getattr(world, who)
    responses = fetch(api_client(person), api_urls(world))

    assert_nothing_leaks(responses)
    everything = "\n".join(body for _status, body in responses.values())
    for text in VISIBLE:
        assert text in everything, text
    if who == "reader":
        assert "Okapi" in responses[f"{API}/notifications?page_size=100"][1]
    listed = responses[f"{API}/challenges/{world.challenge.pk}/ideas?page_size=100&sort=new"]
    assert listed[0] == 200 and "Remix of something" in listed[1]
    assert responses[f"{API}/ideas/{world.hidden_idea.pk}"][0] == 404
    # A hidden comment is a placeholder: no text, no author.
    status, body = responses[f"{API}/comments/{world.hidden_reply.pk}"]
    assert status == 200 and '"status":"hidden"' in body.replace(" ", "")
    assert responses[f"{API}/comments/{world.hidden_reply.pk}/versions"][0] == 404


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_the_discussion_of_a_hidden_idea_is_hidden_too(world, api_client, who):
    person = None if who == "anonymous" else getattr(world, who)
    pk = world.on_hidden_idea.pk
    responses = fetch(api_client(person), [f"{API}/comments/{pk}", f"{API}/comments/{pk}/versions"])
    responses.update(fetch(client_for(person), [reverse("dialogue:history", args=[pk])]))
    shown = {url: status for url, (status, body) in responses.items() if "Glorptastic" in body}
    assert not shown, shown
    assert {status for status, _body in responses.values()} == {404}


def test_moderators_do_find_the_hidden_content(world, api_client):
    """The control: the same crawl as a moderator reaches the queue and the hidden
    ideas, so the words above are really findable."""
    responses = crawl(
        client_for(world.moderator), [reverse("communities:detail", args=[world.community.slug])]
    )
    everything = "\n".join(body for _status, body in responses.values())
    assert reverse("dialogue:queue", args=[world.community.slug]) in responses
    for name in (
        "hidden reply",
        "hidden challenge comment",
        "hidden idea title",
        "hidden idea body",
        "hidden remix title",
    ):
        assert SECRETS[name] in everything, name
    queue = api_client(world.moderator).get(
        f"{API}/communities/{world.community.slug}/moderation/queue"
    )
    assert "Zorblax" in queue.content.decode() and "Plimbury" in queue.content.decode()
    read = api_client(world.moderator).get(f"{API}/ideas/{world.hidden_idea.pk}")
    assert read.status_code == 200 and "Snarfwick" in read.content.decode()


def test_authors_are_told_and_restored_content_is_back(world):
    writer = world.writer
    assert len(emails_to(writer, "hidden for review")) == 4
    assert len(emails_to(writer, "was removed")) == 2
    assert any("Plimbury" in m.body for m in emails_to(writer, "hidden for review"))

    moderation.decide(
        world.moderator,
        Comment.objects.get(pk=world.hidden_reply.pk),
        decision="restore",
        reason="",
    )
    moderation.decide(
        world.moderator, Idea.objects.get(pk=world.hidden_idea.pk), decision="restore", reason=""
    )
    assert len(emails_to(writer, "visible again")) == 2
    responses = crawl(client_for(None), page_starts(world))
    found = {name for url, (_status, body) in responses.items() for name in leaks(body, url)}
    assert {"hidden reply", "hidden idea title", "hidden idea body"} <= found
    assert "removed comment" not in found and "removed idea title" not in found
