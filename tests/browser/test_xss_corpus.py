"""Issue 4: "a corpus of at least 100 known XSS payloads submitted through every text
field (comments, ideas, profiles, charter) renders as inert text on every page".

The corpus is tests/browser/xss_payloads.txt. Every payload is a comment (or a reply,
or an official answer) and goes into at least one other member-written field, always
through the real actions (the code the pages and the API call): community name,
description and charter versions, circles, invitation notes, removal reasons,
application questions and answers, challenge fields, terms, prizes, jury roles and
supporter questions, idea titles, bodies, tags, edits, picture descriptions,
stage-change and merge reasons, custom stage names, supporters' answers, comment
edits, flag notes, moderators' reasons, mutes and bans, profiles (name, bio,
languages), idea updates (titles, bodies next to @mentions of real members, edits,
a moderator's removal reason) and the comments and replies on them, webhook
endpoints (descriptions, a URL) and what their delivery log shows (each JSON body
sent, a real local receiver's answer, the error), and the notifications all of that
produces. The whole corpus also goes, all at once, into one idea body and one
charter, where payloads can combine.

Then Chromium opens every page showing them, as an anonymous visitor, a member, the
authors, a follower, community staff, a moderator and the owner, plus searches,
filters and error pages that echo a payload from the address; a delivery log is read
with its entries expanded. The browser context bypasses the Content-Security-Policy
on purpose: the policy is a second line of defence, and this test is about the first
one (escaping and sanitising), so a payload that got through must be able to run,
and be caught. On every page:

- nothing fired: every payload calls xss(N) or alert(N) with N its line number; the
  init script records those calls (and confirm/prompt), the page's dialogs are
  recorded too, and a console marker catches calls from frames;
- the DOM holds nothing a payload could have brought: no inline event handler
  (on*, hx-on*) or style attribute on any element, no javascript:/data:/vbscript:
  URL in any URL attribute (after removing whitespace and control characters, and
  as the browser resolves it), no script but our two static files, no iframe,
  object, embed, base, meta refresh, svg, math, style and the like, only uploaded
  pictures, only forms posting to this site, no external link outside member-written
  Markdown, and inside Markdown only the tags and attributes the sanitiser allows;
- the payloads are still there as text (titles, names, notes, reasons, charter
  lines, comment and update bodies without Markdown syntax, update excerpts,
  notification lines, form values, every string of a delivery's JSON body as JSON
  text), so content cannot pass by vanishing.

The API's responses with the same content are JSON (application/json, nosniff) and
return the text as it was written.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

# Loaded before the live server's first similar-ideas lookup (see test_idea_flow.py).
import cocreate.ideas.similarity  # noqa: F401
from cocreate.accounts import actions as account_actions
from cocreate.accounts.models import User
from cocreate.challenges import actions as challenge_actions
from cocreate.challenges.models import Challenge
from cocreate.communities import actions as community_actions
from cocreate.communities.models import Community, Membership, Role
from cocreate.core import events
from cocreate.core.consumers import run_all
from cocreate.core.models import Event
from cocreate.dialogue import actions as dialogue_actions
from cocreate.dialogue import moderation
from cocreate.dialogue import updates as update_actions
from cocreate.dialogue.models import (
    Comment,
    CommentStatus,
    CommentVersion,
    Flag,
    IdeaUpdate,
    ModerationEntry,
)
from cocreate.ideas import actions as idea_actions
from cocreate.ideas import queries as idea_queries
from cocreate.ideas.models import Idea, IdeaImage, StageChange
from cocreate.notifications import actions as notification_actions
from cocreate.notifications import queries as notification_queries
from cocreate.notifications.models import Follow, Notification
from cocreate.webhooks import actions as webhook_actions
from cocreate.webhooks.models import Delivery, Endpoint, EventKind
from cocreate.webhooks.views import DELIVERIES_PER_PAGE
from tests.accounts.conftest import image_bytes
from tests.browser.conftest import DESKTOP, log_in_context
from tests.factories import UserFactory, add_member
from tests.webhooks import conftest as webhook_fixtures
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.browser

# A real HTTP receiver on 127.0.0.1 (tests/webhooks/conftest.py), as a fixture here.
hook_receiver = webhook_fixtures.receiver

PAYLOAD_FILE = Path(__file__).with_name("xss_payloads.txt")
LINE_BREAK = "\u23ce"  # stands for a line break in the corpus file


@dataclass(frozen=True)
class Payload:
    line: int  # its line in the file: the N of the xss(N) it calls
    text: str


def load_payloads() -> list[Payload]:
    payloads = []
    for number, raw in enumerate(PAYLOAD_FILE.read_text(encoding="utf-8").split("\n"), start=1):
        if raw.strip() and not raw.startswith("#"):
            payloads.append(Payload(number, raw.replace(LINE_BREAK, "\n")))
    return payloads


PAYLOADS = load_payloads()


# --- the corpus itself -------------------------------------------------------------------

CALLS = [
    re.compile(r"(?:ss|ert)\W{0,3}[(`]'?(\d+)"),  # xss(N), \u0078ss(N), ['x'+'ss'](N), alert`N`
    re.compile(r"\balt=(\d+)"),  # <img src=x:alert(alt) onerror=eval(src) alt=N>
]


def _readings(text: str) -> list[str]:
    """The payload and what hides in it: entity-decoded, base64 and fromCharCode."""
    forms = [text, html.unescape(text), html.unescape(html.unescape(text))]
    for chunk in re.findall(r"[A-Za-z0-9+/]{8,}={0,2}", text):
        with contextlib.suppress(ValueError):
            forms.append(base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode())
    for codes in re.findall(r"fromCharCode\(([\d,\s]+)\)", text):
        forms.append("".join(chr(int(c)) for c in codes.split(",")))
    return forms


def test_corpus_has_120_distinct_payloads_each_naming_its_own_line():
    texts = [p.text for p in PAYLOADS]
    assert len(texts) >= 120
    assert len(set(texts)) == len(texts), [t for t, n in Counter(texts).items() if n > 1]
    inert = []
    for payload in PAYLOADS:
        numbers = {
            int(n) for form in _readings(payload.text) for rx in CALLS for n in rx.findall(form)
        }
        assert numbers <= {payload.line}, (payload, numbers)
        if not numbers:
            inert.append(payload.text)
    # Only the template-injection probes call nothing (they must show as typed).
    assert all("{" in text for text in inert), inert
    assert len(inert) <= 6, inert


# --- spreading the payloads over the fields --------------------------------------------


class Spread:
    """Hands out payloads to fields: always one of the least used that fits the
    field's length limit, so each payload reaches at least one field besides
    comments (checked at the end); long fields take the long payloads first."""

    def __init__(self, payloads: list[Payload]) -> None:
        self.payloads = payloads
        self.fields: dict[int, list[str]] = {p.line: [] for p in payloads}

    def take(
        self,
        where: str,
        max_length: int = 5000,
        *,
        prefer: str = "",
        accept: Callable[[str], bool] | None = None,
    ) -> str:
        """`prefer`: among the least used, payloads containing this text come first;
        `accept`: only payloads it accepts fit (a field with rules of its own)."""
        fitting = [
            p
            for p in self.payloads
            if len(p.text) <= max_length and (accept is None or accept(p.text))
        ]
        if max_length >= 1000:
            best = min(fitting, key=lambda p: (len(self.fields[p.line]), -len(p.text), p.line))
        else:
            best = min(
                fitting,
                key=lambda p: (len(self.fields[p.line]), prefer not in p.text, p.line),
            )
        self.fields[best.line].append(where)
        return best.text

    def own_fields(self, payload: Payload) -> list[str]:
        """The fields it went into by itself (not with the whole corpus)."""
        return [f for f in self.fields[payload.line] if "whole corpus" not in f]

    def unused(self) -> list[Payload]:
        return [p for p in self.payloads if not self.own_fields(p)]


# --- what to expect on a page --------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """Something a page must show. `how`: "text" (an element's innerText contains
    it, whitespace collapsed), "exact" (an element's textContent is exactly it),
    "value" (a form field's value is exactly it), "alt" (an image's alt is exactly
    it), "nonempty" (every matching element shows some text; at least one exists),
    "present" (at least one element matches), "absent" (no element matches)."""

    selector: str
    text: str = ""
    how: str = "text"

    def js(self) -> dict[str, str]:
        return {"selector": self.selector, "text": self.text, "how": self.how}


@dataclass
class Visit:
    who: str
    path: str
    expects: list[Expect] = field(default_factory=list)
    fragment: bool = False  # an htmx partial: no <head>, so no title or scripts
    status: int = 200
    open_details: bool = False  # expand every <details> first (as a reader would)


def squash(text: str) -> str:
    return " ".join(text.split())


def has_text(stored_html: str) -> str:
    """ "nonempty", or "present" for Markdown that sanitises to nothing (an image:
    the sanitiser allows none, so ![alt](x) leaves an empty paragraph)."""
    return "nonempty" if re.sub(r"<[^>]*>", "", stored_html).strip() else "present"


ALWAYS_SYNTAX = set("\\`[]&")  # escapes, code, links and images, entities
AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>")


def shows_as_typed(body: str) -> bool:
    """Whether rendered Markdown shows `body` character for character: no escapes,
    code, links, entities, emphasis pairs, autolinks, line breaks or block markers."""
    return not (
        ALWAYS_SYNTAX & set(body)
        or sum(body.count(c) for c in "*_~") > 1
        or AUTOLINK.search(body)
        or "\n" in body
        or "\t" in body
        or "  " in body
        or body[:1] in {">", "-", "+", "=", "#"}
        or body[:1].isdigit()
    )


# --- the site, built through the actions ----------------------------------------------------


@dataclass
class World:
    owner: User
    staff: User
    moderator: User
    reader: User
    authors: list[User]
    community: Community
    sides: list[Community]
    applying: Community
    challenge: Challenge
    second: Challenge
    ideas: list[Idea]
    hidden_idea: Idea
    corpus_idea: Idea
    edited_comments: list[Comment]
    removed_members: list[User]
    follower: User
    updates: list[IdeaUpdate]
    endpoints: list[Endpoint]
    spread: Spread

    def visitors(self) -> dict[str, User | None]:
        """Who opens the pages, by the names the plan uses."""
        return {
            "anon": None,
            "reader": self.reader,
            "moderator": self.moderator,
            "owner": self.owner,
            "staff": self.staff,
            "follower": self.follower,
            **{f"author{n}": author for n, author in enumerate(self.authors)},
        }


def picture(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), "image/png")


def build_world(payloads: list[Payload], receiver: Receiver) -> World:
    """`receiver`: a real webhook receiver (it answers 200 and 500 in turn, with a
    payload as its answer)."""
    spread = Spread(payloads)
    take = spread.take
    now = timezone.now()

    owner = UserFactory(display_name="Olga Owner", is_staff=True)
    community = community_actions.create_community(
        owner,
        name=take("community name", 100),
        slug="xss-lab",
        description=take("community description"),
        mission=take("charter mission v1", 20_000),
        values=take("charter values v1", 20_000),
        rules=take("charter rules v1", 20_000),
    )
    for version in (2, 3):
        community_actions.edit_charter(
            owner,
            community,
            mission=take(f"charter mission v{version}", 20_000),
            values=take(f"charter values v{version}", 20_000),
            rules=take(f"charter rules v{version}", 20_000),
            summary=take(f"charter summary v{version}", 200),
        )
    community_actions.update_community(owner, community, description=take("community edit"))
    community_actions.create_circle(
        owner,
        community,
        name=take("circle name", 100),
        slug="xss-circle",
        description=take("circle description"),
    )
    sides = [
        community_actions.create_community(
            owner,
            name=take("side community name", 100),
            slug=f"side-{n}",
            description=take("side community description"),
            mission=take("side mission", 20_000),
            values=take("side values", 20_000),
            rules=take("side rules", 20_000),
        )
        for n in range(3)
    ]
    applying = community_actions.create_community(
        owner,
        name=take("application community name", 100),
        slug="apply-here",
        description=take("application community description"),
        join_policy="application",
        application_questions=[take("application question", 300) for _ in range(2)],
    )

    def person(role: str | None, *, plain_name: str = "") -> User:
        user = UserFactory()
        account_actions.update_profile(
            user,
            # (names are the pages' <title>: closing tags first)
            display_name=plain_name or take("display name", 60, prefer="</"),
            bio=take("bio", 280),
            languages=[take("language", 40), take("language", 40)],
        )
        if role is not None:
            add_member(community, user, role)
        return user

    staff = person(Role.STAFF)
    moderator = person(Role.MODERATOR)
    reader = person(Role.MEMBER, plain_name="Rita Reader")
    authors = [person(Role.MEMBER) for _ in range(8)]

    # Webhooks, registered before anything happens so they hear of everything: the
    # delivery log shows each JSON body sent (payloads in it), the receiver's answer
    # (a payload) and the error (one URL, refused at its port, carries a payload).
    hook_url = receiver.url
    receiver.answers = [200, 500] * 100
    receiver.reply = take("webhook receiver's answer", 400).encode()

    def in_url(text: str) -> bool:  # ASCII, no whitespace or control characters, no "#"
        return text.isascii() and text.isprintable() and " " not in text and "#" not in text

    endpoints = [
        webhook_actions.create_endpoint(
            staff,
            community,
            url=url,
            kinds=kinds,
            description=take("webhook description", 200),
        )
        for url, kinds in (
            (hook_url, ["update.posted"]),
            (
                f"{hook_url}?of=ideas",
                ["idea.submitted", "idea.stage_changed", "challenge.published"],
            ),
            ("http://127.0.0.1:9/hook", ["comment.posted"]),
            (
                "http://127.0.0.1:9/hook?" + take("webhook URL", 200, accept=in_url),
                ["idea.edited"],
            ),
            (hook_url, list(EventKind.values)),
        )
    ]
    webhook_actions.update_endpoint(staff, endpoints[-1], active=False)
    for endpoint in endpoints[:2] + endpoints[3:4]:
        webhook_actions.send_test(staff, endpoint)

    for _ in range(3):
        community_actions.create_invitation(owner, community, note=take("invitation note", 120))
    removed_members = []
    for _ in range(3):
        leaver = person(None)
        membership = community_actions.join(leaver, community)
        community_actions.remove_member(owner, membership, reason=take("removal reason", 1000))
        removed_members.append(leaver)
    applicant = person(None)
    community_actions.apply(
        applicant, applying, answers=[take("application answer", 2000) for _ in range(2)]
    )
    idea_actions.define_stage(
        owner,
        community,
        key="xss_review",
        name=take("custom stage name", 60),
        follows=["under_review"],
        leads_to=["accepted", "declined"],
    )

    challenge = challenge_actions.create_challenge(
        owner,
        community,
        title=take("challenge title", 160),
        brief=take("challenge brief", 50_000),
        what_we_need=take("challenge what we need", 20_000),
        success_criteria=take("challenge success criteria", 20_000),
        supporter_questions=[take("supporter question", 200) for _ in range(2)],
    )
    second = challenge_actions.create_challenge(
        owner,
        community,
        title=take("second challenge title", 160),
        brief=take("second challenge brief", 50_000),
    )
    for each in (challenge, second):
        challenge_actions.set_phases(
            owner,
            each,
            [
                {
                    "kind": "submission",
                    "starts_at": now - timedelta(days=1),
                    "ends_at": now + timedelta(days=30),
                },
                {"kind": "review", "starts_at": now + timedelta(days=30)},
            ],
        )
    challenge_actions.publish_terms(
        owner, challenge, usage=take("terms usage"), text=take("terms text", 50_000)
    )
    challenge_actions.set_prizes(
        owner,
        challenge,
        [
            {"title": take("prize title", 160), "description": take("prize description", 2000)},
            {"title": take("prize title", 160), "points": 500},
        ],
    )
    challenge_actions.set_jury(
        owner,
        challenge,
        [
            {"user_id": staff.pk, "role": take("jury role", 100)},
            {"user_id": moderator.pk, "role": take("jury role", 100)},
        ],
    )
    for each in (challenge, second):
        challenge_actions.publish_challenge(owner, each)
    challenge_actions.update_challenge(
        owner, second, success_criteria=take("second challenge edit", 20_000)
    )

    # The reader follows the challenge and the people, to be told of everything.
    notification_actions.follow(reader, challenge=challenge)
    notification_actions.follow(reader, community=community)
    for author in authors[:4]:
        notification_actions.follow(reader, person=author)

    ideas = []
    for n in range(24):
        author = authors[n % len(authors)]
        ideas.append(
            idea_actions.submit_idea(
                author,
                challenge,
                title=take("idea title", 160),
                body=take("idea body", 50_000),
                tags=[take("tag", 30), take("tag", 30)],
                accept_terms=True,
                images=[picture("a.png")] if n < 2 else None,
            )
        )
    ideas.append(
        idea_actions.submit_idea(
            authors[1],
            challenge,
            title=take("remix title", 160),
            body=take("remix body", 50_000),
            accept_terms=True,
            parent=ideas[0],
        )
    )
    for image in IdeaImage.objects.filter(idea__in=ideas[:2]):
        idea_actions.describe_image(image.idea.author, image, alt=take("picture description", 200))
    idea_actions.add_images(
        ideas[2].author, ideas[2], [picture("b.png")], alt=take("picture description", 200)
    )
    idea_actions.invite_coauthor(ideas[3].author, ideas[3], authors[5])
    idea_actions.answer_coauthorship(authors[5], ideas[3], accept=True)
    idea_actions.invite_coauthor(ideas[4].author, ideas[4], reader)  # left open: a banner
    for idea in ideas[:6]:
        idea_actions.edit_idea(
            idea.author,
            idea,
            title=take("idea title edit", 160),
            body=take("idea body edit", 50_000),
        )
    for idea in ideas[6:9]:
        idea_actions.support(
            reader,
            idea,
            answers={q: take("supporter answer", 200) for q in challenge.supporter_questions},
        )

    # The discussion: each payload is a comment or a reply, on the ideas and on both
    # challenges, by the authors, staff (official answers), the moderator and the reader.
    targets: list[Idea | Challenge] = [*ideas, challenge, second]
    writers = [*authors, staff, moderator, reader]
    last_on: dict[int, Comment] = {}
    for n, payload in enumerate(payloads):
        target = targets[n % len(targets)]
        writer = writers[n % len(writers)]
        key = id(target)
        parent = last_on.get(key) if n % 4 == 3 else None
        comment = dialogue_actions.post_comment(
            writer,
            target,
            body=payload.text,
            parent=parent,
            official=writer == staff and isinstance(target, Idea) and n % 2 == 0,
        )
        last_on[key] = comment
    edited_comments = []
    for comment in Comment.objects.filter(author__in=authors, root__isnull=True).order_by("pk")[
        :10
    ]:
        edited_comments.append(
            dialogue_actions.edit_comment(
                comment.author, comment, body=take("comment edit", 10_000)
            )
        )

    # Idea updates by the authors (and a co-author) of six ideas, three each (the
    # limit is five a day): payload titles and bodies, some next to @mentions of real
    # members; two edits adding a mention, one removed by a moderator with a reason;
    # comments and replies on them, some mentioning people too. A follower of the
    # ideas is told of each (idea_update, or mention when named).
    follower = person(Role.MEMBER, plain_name="Fay Follower")
    for idea in ideas[:6]:
        notification_actions.follow(follower, idea=idea)
    named = [follower, *authors]
    handles = dict(User.objects.filter(pk__in=[u.pk for u in named]).values_list("pk", "handle"))

    def mention(user: User) -> str:
        return f"@{handles[user.pk]}"

    updates = []
    for n in range(18):
        idea = ideas[n % 6]
        writer = authors[5] if idea == ideas[3] and n >= 12 else idea.author
        body = take("update body", 19_900)
        if n % 3 == 1:
            body = f"{mention(follower)} {body}"
        elif n % 3 == 2:
            body = f"{body}\n\n{mention(authors[(n + 1) % 6])} {mention(follower)}"
        updates.append(
            update_actions.post_update(
                writer, idea, title=take("update title", 140, prefer="</"), body=body
            )
        )
    for update in updates[3:5]:
        update_actions.edit_update(
            update.author,
            update,
            title=take("update title edit", 140),
            body=f"{take('update body edit', 19_900)} {mention(follower)}",
        )
    update_actions.delete_update(
        moderator, updates.pop(), reason=take("update removal reason", 1000)
    )
    update_writers = [follower, reader, staff, moderator, *authors[:7]]
    last_on_update: dict[int, Comment] = {}
    for n in range(24):
        update = updates[n % 8]
        writer = update_writers[n % len(update_writers)]
        body = take("update comment", 9_900)
        if n % 4 == 1:
            body = f"{mention(update.author)} {body}"
        elif n % 4 == 2:
            body = f"{body} {mention(follower)}"
        parent = last_on_update.get(update.pk) if n % 3 == 2 else None
        last_on_update[update.pk] = dialogue_actions.post_comment(
            writer, update, body=body, parent=parent
        )

    # Pipeline decisions with reasons.
    for idea in ideas[8:14]:
        idea_actions.change_stage(
            owner, idea, stage="under_review", reason=take("stage reason", 5000)
        )
    idea_actions.change_stage(owner, ideas[8], stage="xss_review", reason=take("stage reason"))
    idea_actions.change_stage(owner, ideas[9], stage="declined", reason=take("stage reason"))
    idea_actions.change_stage(owner, ideas[10], stage="accepted", reason=take("stage reason"))
    idea_actions.merge_ideas(owner, ideas[14], ideas[15], reason=take("merge reason"))

    # Moderation: flags with notes, a comment and an idea hidden by three flags, a
    # removal and a restoration with reasons, a mute and a ban with reasons.
    flaggers = [reader, *authors]

    def flag_by(target: Comment | Idea, count: int) -> None:
        others = [u for u in flaggers if u.pk != target.author_id][:count]
        for user in others:
            moderation.flag(user, target, reason="abuse", note=take("flag note", 1000))

    edited = {c.pk for c in edited_comments}
    comments = [
        c
        for c in Comment.objects.filter(status=CommentStatus.VISIBLE).order_by("pk")
        if c.pk not in edited
    ]
    for comment in comments[:8]:
        flag_by(comment, 1)
    flag_by(comments[8], 3)  # hidden, waiting in the queue
    hidden_idea = ideas[16]
    flag_by(hidden_idea, 3)
    moderation.decide(moderator, comments[0], decision="remove", reason=take("removal"))
    moderation.decide(moderator, comments[1], decision="restore", reason=take("restoration"))
    muted = Membership.objects.get(community=community, user=authors[7])
    moderation.sanction(moderator, muted, kind="mute", days=7, reason=take("mute reason"))
    banned = person(Role.MEMBER)
    moderation.sanction(
        owner,
        Membership.objects.get(community=community, user=banned),
        kind="ban",
        days=None,
        reason=take("ban reason"),
    )

    # The whole corpus at once, where payloads can also combine across their
    # boundaries: one idea body and one charter.
    corpus = "\n\n".join(p.text for p in payloads)
    corpus_idea = idea_actions.submit_idea(
        authors[0], second, title="The whole corpus in one idea", body=corpus
    )
    community_actions.edit_charter(
        owner, sides[0], mission=take("side mission v2", 20_000), rules=corpus
    )
    for payload in payloads:
        spread.fields[payload.line] += ["idea body (whole corpus)", "charter (whole corpus)"]

    # Whatever is still unused goes into one more idea body edit, so every payload
    # reaches at least one field of its own besides comments.
    spare = [i for i in ideas[17:24] if i.author_id != authors[7].pk]
    for n, payload in enumerate(spread.unused()):
        idea = spare[n % len(spare)]
        spread.fields[payload.line].append("idea body edit")
        idea_actions.edit_idea(idea.author, idea, body=payload.text)
    hidden_idea.refresh_from_db()
    run_all()
    return World(
        owner=owner,
        staff=staff,
        moderator=moderator,
        reader=reader,
        authors=authors,
        community=community,
        sides=sides,
        applying=applying,
        challenge=challenge,
        second=second,
        ideas=ideas,
        hidden_idea=hidden_idea,
        corpus_idea=corpus_idea,
        edited_comments=edited_comments,
        removed_members=removed_members,
        follower=follower,
        updates=[IdeaUpdate.objects.get(pk=u.pk) for u in updates],
        endpoints=endpoints,
        spread=spread,
    )


# --- the pages to open ------------------------------------------------------------------------


def discussion_expects(target: Idea | Challenge | IdeaUpdate) -> list[Expect]:
    """The first page of a discussion: each visible comment shows its text (as
    typed when it has no Markdown syntax); hidden and removed ones show none."""
    if isinstance(target, IdeaUpdate):
        comments = Comment.objects.filter(update=target)
    elif isinstance(target, Idea):
        comments = Comment.objects.filter(idea=target, update__isnull=True)
    else:
        comments = Comment.objects.filter(challenge=target, idea__isnull=True)
    roots = list(comments.filter(root__isnull=True).order_by("pk")[:30])
    shown = [c for c in comments.order_by("pk") if c in roots or c.root_id in {r.pk for r in roots}]
    expects = []
    for comment in shown:
        prose = f"#comment-{comment.pk} .prose"
        if comment.status != CommentStatus.VISIBLE:
            expects.append(Expect(prose, how="absent"))
        elif shows_as_typed(comment.body):
            expects.append(Expect(prose, comment.body))
        else:
            expects.append(Expect(prose, how=has_text(comment.body_html)))
        if comment.status == CommentStatus.VISIBLE and comment.author is not None:
            expects.append(
                Expect(f"#comment-{comment.pk} .comment-author", comment.author.display_name)
            )
    return expects


def idea_expects(idea: Idea) -> list[Expect]:
    idea.refresh_from_db()
    expects = [
        Expect("title", idea.title),
        Expect("h1", idea.title),
        Expect("article.card > .prose", how=has_text(idea.body_html)),
    ]
    expects += [Expect(".tags", f"#{tag}") for tag in idea.tags]
    expects += [Expect(".gallery img", image.alt, "alt") for image in idea.images.all()]
    expects += [
        Expect("blockquote.reason", change.reason)
        for change in StageChange.objects.filter(idea=idea).exclude(reason="")
    ]
    if idea.author is not None:
        expects.append(Expect(".page-header .meta", idea.author.display_name))
    # The updates card: the latest three, title and plain-text excerpt.
    for update in IdeaUpdate.objects.filter(idea=idea).order_by("-created_at", "-pk")[:3]:
        expects.append(Expect("#updates .update-title", update.title))
        if update.excerpt:
            expects.append(Expect("#updates .update-excerpt", update.excerpt))
    return expects + discussion_expects(idea)


def prose_expect(selector: str, body: str, body_html: str) -> Expect:
    """Rendered Markdown: the text as typed when it has no syntax, else some text."""
    if shows_as_typed(body):
        return Expect(selector, body)
    return Expect(selector, how=has_text(body_html))


def update_expects(update: IdeaUpdate) -> list[Expect]:
    """An update's page: its title, body, author, idea and discussion."""
    update.refresh_from_db()
    idea = update.idea
    expects = [
        Expect("title", update.title),
        Expect("h1", update.title),
        Expect(".breadcrumbs", idea.title),
        Expect(".breadcrumbs", idea.challenge.title),
        prose_expect("article.card > .prose", update.body, update.body_html),
    ]
    if update.author is not None:
        expects.append(Expect(".page-header .meta", update.author.display_name))
    return expects + discussion_expects(update)


def updates_list_expects(idea: Idea) -> list[Expect]:
    """An idea's updates page: each update's title, author and body."""
    expects = [Expect("title", idea.title), Expect(".breadcrumbs", idea.title)]
    rows = IdeaUpdate.objects.filter(idea=idea).order_by("-created_at", "-pk")
    for n, update in enumerate(rows[:10], start=1):
        article = f"article.update:nth-of-type({n})"
        expects += [
            Expect(f"{article} h2", update.title),
            prose_expect(f"{article} .prose", update.body, update.body_html),
        ]
        if update.author is not None:
            expects.append(Expect(f"{article} .meta", update.author.display_name))
    return expects


def webhook_list_expects(community: Community) -> list[Expect]:
    expects = [Expect("title", community.name), Expect(".breadcrumbs", community.name)]
    for endpoint in Endpoint.objects.filter(community=community):
        expects.append(Expect(".webhook-list", endpoint.url))
        if endpoint.description:
            expects.append(Expect(".webhook-list p.small", endpoint.description))
    return expects


def strings_in(data: Any) -> Iterator[str]:
    """Every string value in decoded JSON."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)


def delivery_expects(endpoint: Endpoint, page: int = 1, status: str = "") -> list[Expect]:
    """An endpoint's page with its delivery log expanded: the settings form holds the
    URL and description; each delivery on the page shows every string of the JSON
    body it sent as JSON text (escaped as in the body), and its answer and error."""
    endpoint.refresh_from_db()
    expects = [
        Expect("h1", endpoint.url),
        Expect("input[name=url]", endpoint.url, "value"),
        # (a text field drops line breaks from its value)
        Expect("input[name=description]", re.sub("[\r\n]", "", endpoint.description), "value"),
        Expect(".breadcrumbs", endpoint.community.name),
    ]
    if endpoint.created_by is not None:
        expects.append(Expect(".page-header .meta", endpoint.created_by.display_name))
    rows = Delivery.objects.filter(endpoint=endpoint)
    if status:
        rows = rows.filter(status=status)
    rows = list(rows[(page - 1) * DELIVERIES_PER_PAGE : page * DELIVERIES_PER_PAGE])
    shown: set[str] = set()
    if rows:
        expects.append(Expect("details[open] pre.payload", how="nonempty"))
    else:
        expects.append(Expect(".empty", how="present"))
    for delivery in rows:
        shown.update(
            json.dumps(text, ensure_ascii=False) for text in strings_in(json.loads(delivery.body))
        )
        if delivery.response_excerpt:
            expects.append(Expect("pre.payload", delivery.response_excerpt))
        if delivery.error:
            expects.append(Expect(".delivery-facts dd", delivery.error))
    return expects + [Expect("pre.payload", text) for text in sorted(shown)]


def challenge_expects(challenge: Challenge, sort: str = "hot", page: int = 1) -> list[Expect]:
    ideas = list(idea_queries.idea_list(challenge, sort=sort))[(page - 1) * 20 : page * 20]
    expects = [Expect("h1", challenge.title)]
    expects += [Expect("#idea-list", idea.title) for idea in ideas]
    return expects


def profile_expects(user: User) -> list[Expect]:
    user.refresh_from_db()
    expects = [Expect("title", user.display_name), Expect("h1", user.display_name)]
    if user.bio:
        expects.append(Expect(".profile-head .lead", user.bio))
    expects += [Expect(".profile-head", language) for language in user.languages]
    return expects


def community_expects(community: Community) -> list[Expect]:
    community.refresh_from_db()
    # (the charter's Markdown is checked as text on its version pages)
    expects = [Expect("h1", community.name), Expect(".prose", how="present")]
    if community.description:
        expects.append(Expect("p.lead", community.description))
    return expects


def notification_expects(user: User, page: int = 1) -> list[Expect]:
    """A page of the notification centre: each line as the app words it (names and
    titles in it), and the start of each comment's or update's excerpt."""
    rows = [
        n for n in notification_queries.for_user(user)[:500] if notification_queries.shown(n, user)
    ]
    expects = [Expect(".notif-list li", how="nonempty")]
    for n in rows[(page - 1) * 30 : page * 30]:
        item = notification_queries.describe(n)
        expects.append(Expect(f"#notification-{n.pk}", item["text"]))
        if item["excerpt"]:
            expects.append(Expect(f"#notification-{n.pk}", item["excerpt"][:150]))
    return expects


def follow_expects(user: User) -> list[Expect]:
    rows = Follow.objects.filter(user=user).filter(
        Q(idea__isnull=True) | Q(idea__moderation="visible")
    )
    assert rows.count() <= 50  # one page
    names = []
    for f in rows.select_related("community", "challenge", "idea", "person"):
        if f.community:
            names.append(f.community.name)
        elif f.challenge:
            names.append(f.challenge.title)
        elif f.idea:
            names.append(f.idea.title)
        elif f.person:
            names.append(f.person.display_name)
    return [Expect("main", name) for name in names]


def plan(world: World) -> list[Visit]:
    """Every page that shows the payloads, for each kind of visitor."""
    c = world.community
    slug = c.slug
    ch = world.challenge
    visible = [i for i in world.ideas if i.pk != world.hidden_idea.pk]
    visits: list[Visit] = []

    def add(
        who: str,
        path: str,
        expects: list[Expect] | None = None,
        *,
        fragment: bool = False,
        status: int = 200,
        open_details: bool = False,
    ) -> None:
        visits.append(Visit(who, path, expects or [], fragment, status, open_details))

    charter_versions = list(c.charter_versions.order_by("number"))
    for who in ("anon", "reader", "staff", "moderator"):
        add(who, "/")
        add(who, "/communities/")
        add(who, f"/c/{slug}/", community_expects(c))
        add(who, f"/c/{slug}/charter/")
        add(who, f"/c/{slug}/members/")
        add(who, f"/c/{slug}/challenges/", [Expect("main", ch.title)])
        add(who, f"/challenges/{ch.pk}/", challenge_expects(ch) + discussion_expects(ch))
        add(who, f"/challenges/{world.second.pk}/", discussion_expects(world.second))
    previous = None
    for version in charter_versions:
        # The diff shows each changed section's lines as written.
        expects = [Expect(".prose", how="present")]
        for section in ("mission", "values", "rules"):
            text = getattr(version, section)
            if previous is None or text != getattr(previous, section):
                expects += [Expect(".diff", line) for line in text.split("\n") if line.strip()]
        if version.summary:
            expects.append(Expect("main", version.summary))
        add("anon", f"/c/{slug}/charter/{version.number}/", expects)
        previous = version
    add("anon", "/c/xss-circle/", community_expects(Community.objects.get(slug="xss-circle")))
    for side in world.sides:
        add("anon", f"/c/{side.slug}/", community_expects(side))
    add("anon", f"/c/{world.applying.slug}/", community_expects(world.applying))
    add(
        "reader",
        f"/c/{world.applying.slug}/apply/",
        [Expect("main", q) for q in world.applying.application_questions],
    )

    # The idea list in every order, every page; searches and filters echo their input.
    for sort in idea_queries.SORTS:
        for page in (1, 2) if sort == "new" else (1,):
            add(
                "anon",
                f"/challenges/{ch.pk}/?sort={sort}&page={page}",
                challenge_expects(ch, sort, page),
            )
    probe_title = visible[3].title
    add("anon", f"/challenges/{ch.pk}/?{urlencode({'q': 'onerror'})}")
    add(
        "reader",
        f"/challenges/{ch.pk}/?{urlencode({'q': probe_title[:200]})}",
        [Expect("#idea-q", probe_title[:200].strip(), "value")],
    )
    for payload in PAYLOADS[:: len(PAYLOADS) // 3]:
        add(
            "anon",
            f"/challenges/{ch.pk}/?{urlencode({'q': payload.text[:200]})}",
            [Expect("#idea-q", payload.text[:200].strip(), "value")],
        )
    tag = visible[5].tags[0]
    add("anon", f"/challenges/{ch.pk}/?{urlencode({'tag': tag})}", [Expect("main", f"#{tag}")])
    add("anon", f"/communities/?{urlencode({'q': c.name[:100]})}", [Expect("main", c.name)])
    add("reader", f"/challenges/{ch.pk}/decisions/")
    for payload in PAYLOADS[1 :: len(PAYLOADS) // 2]:
        add("anon", f"{reverse('accounts:login')}?{urlencode({'next': payload.text})}")
        add("anon", f"/c/{slug}/charter/999/?{urlencode({'v': payload.text})}", status=404)
    similar = visible[20]
    query = urlencode({"title": similar.title, "body": similar.body})
    add(
        "reader",
        f"/challenges/{ch.pk}/similar/?{query}",
        [Expect("body", similar.title)],
        fragment=True,
    )

    # Every idea, its versions and lineage; the moderator also sees the hidden one.
    for idea in [*visible, world.corpus_idea]:
        add("anon", f"/ideas/{idea.pk}/", idea_expects(idea))
    # (pictures, a co-author invitation for the reader, a custom stage with reasons)
    for idea in (visible[0], visible[2], visible[4], visible[8]):
        add("reader", f"/ideas/{idea.pk}/", idea_expects(idea))
        add("moderator", f"/ideas/{idea.pk}/", idea_expects(idea))
        add("owner", f"/ideas/{idea.pk}/", idea_expects(idea))
    add("moderator", f"/ideas/{world.hidden_idea.pk}/", idea_expects(world.hidden_idea))
    for idea in visible[:6]:
        add("anon", f"/ideas/{idea.pk}/versions/", [Expect("main", idea.title)])
    add("anon", f"/ideas/{world.ideas[0].pk}/lineage/", [Expect("main", world.ideas[0].title)])

    # Comments: permalinks (redirect to their page), edited ones' history.
    comments = list(
        Comment.objects.filter(status=CommentStatus.VISIBLE)
        .exclude(idea=world.hidden_idea)  # (a 404 but to moderators)
        .order_by("pk")
    )
    for comment in comments[:: len(comments) // 3]:
        add("anon", f"/comments/{comment.pk}/")
    for comment in world.edited_comments:
        versions = CommentVersion.objects.filter(comment=comment).order_by("number")
        add(
            "anon",
            f"/comments/{comment.pk}/history/",
            [Expect("pre.version-text", v.body, "exact") for v in versions],
        )

    # People.
    people = [world.staff, world.moderator, *world.authors, *world.removed_members]
    for user in people:
        add("anon", reverse("accounts:profile", args=[user.pk]), profile_expects(user))

    # Signed-in pages: notifications, follows, settings, forms holding the payloads.
    people = {"reader": world.reader, "author0": world.authors[0], "staff": world.staff}
    for who, user in people.items():
        add(who, reverse("notifications:list"), notification_expects(user))
        add(who, reverse("notifications:follows"), follow_expects(user))
    add("reader", "/notifications/?page=2", notification_expects(world.reader, 2))
    author0 = world.authors[0]
    add(
        "author0",
        "/accounts/settings/",
        [Expect("input[name=display_name]", author0.display_name, "value")],
    )
    for idea in world.ideas[:3]:
        idea.refresh_from_db()
        add(
            f"author{world.authors.index(idea.author)}",
            f"/ideas/{idea.pk}/edit/",
            [
                Expect("input[name=title]", idea.title, "value"),
                Expect("textarea[name=body]", idea.body, "value"),
            ]
            + [Expect("input[name=alt]", image.alt, "value") for image in idea.images.all()],
        )
    # Comments in a <textarea> again: the edited ones, and every one trying to close it.
    who_is = {user.pk: who for who, user in world.visitors().items() if user is not None}
    del who_is[world.authors[7].pk]  # muted: may not edit
    breakouts = [c for c in comments if "textarea" in c.body.lower() and c.author_id in who_is]
    assert breakouts
    for comment in [*world.edited_comments[:4], *breakouts]:
        comment.refresh_from_db()
        add(
            who_is[comment.author_id],
            f"/comments/{comment.pk}/edit/",
            [Expect("textarea[name=body]", comment.body, "value")],
        )
    charter = c.current_charter()
    add(
        "owner",
        f"/c/{slug}/charter/edit/",
        [Expect("textarea[name=mission]", charter.mission, "value")],
    )
    add("owner", f"/c/{slug}/edit/", [Expect("input[name=name]", c.name, "value")])
    add("owner", f"/challenges/{ch.pk}/edit/", [Expect("input[name=title]", ch.title, "value")])
    add("owner", f"/challenges/{ch.pk}/ideas/new/", [Expect(".prose", how="present")])
    add("owner", f"/c/{slug}/stages/")
    removals = Event.objects.filter(community=c, kind="membership.removed")
    add(
        "owner",
        f"/c/{slug}/admin/",
        [Expect("main", invitation.note) for invitation in c.invitations.all()]
        + [Expect("main", event.data["reason"]) for event in removals],
    )
    answers = [a for app in world.applying.applications.all() for a in app.answers]
    add(
        "owner",
        f"/c/{world.applying.slug}/admin/",
        [Expect("main", a["question"]) for a in answers]
        + [Expect("main", a["answer"]) for a in answers],
    )
    add("owner", "/")

    # Idea updates: each idea's list, each update (anyone; for two of them also a
    # member, the follower, a moderator and the author), the edit form, the reply
    # form quoting a comment, and the follower's notifications of them.
    who_is_user = {user.pk: who for who, user in world.visitors().items() if user is not None}
    for idea in world.ideas[:6]:
        add("anon", reverse("dialogue:updates", args=[idea.pk]), updates_list_expects(idea))
    for update in world.updates:
        add("anon", reverse("dialogue:update", args=[update.pk]), update_expects(update))
    for update in world.updates[:2]:
        for who in ("reader", "follower", "moderator", who_is_user[update.author_id]):
            add(who, reverse("dialogue:update", args=[update.pk]), update_expects(update))
    for update in world.updates[2:5]:
        add(
            who_is_user[update.author_id],
            reverse("dialogue:edit_update", args=[update.pk]),
            [
                Expect("input[name=title]", update.title, "value"),
                Expect("textarea[name=body]", update.body, "value"),
            ],
        )
    replied = (
        Comment.objects.filter(update__isnull=False, status=CommentStatus.VISIBLE)
        .exclude(replies=None)
        .order_by("pk")
    )
    for comment in replied[:2]:
        add(
            "follower",
            f"{reverse('dialogue:post_update', args=[comment.update_id])}?parent={comment.pk}",
            [
                Expect(".breadcrumbs", comment.update.title),
                prose_expect("blockquote.quote .prose", comment.body, comment.body_html),
            ],
        )
    first = world.ideas[0]
    add(
        who_is_user[first.author_id],
        reverse("dialogue:new_update", args=[first.pk]),
        [Expect(".breadcrumbs", first.title)],
    )
    kinds = set(Notification.objects.filter(user=world.follower).values_list("kind", flat=True))
    assert {"idea_update", "mention"} <= kinds, kinds
    add("follower", reverse("notifications:list"), notification_expects(world.follower))
    add("follower", reverse("notifications:follows"), follow_expects(world.follower))

    # Webhooks (staff): the endpoints, and each endpoint's settings and delivery log
    # (expanded), filtered by status and paged.
    add("staff", reverse("webhooks:list", args=[slug]), webhook_list_expects(c))
    for endpoint in world.endpoints:
        add(
            "staff",
            reverse("webhooks:detail", args=[endpoint.pk]),
            delivery_expects(endpoint),
            open_details=True,
        )
    busy = world.endpoints[2]  # every comment
    count = Delivery.objects.filter(endpoint=busy).count()
    last = -(-count // DELIVERIES_PER_PAGE)
    for page in (2, last):
        add(
            "staff",
            f"{reverse('webhooks:detail', args=[busy.pk])}?page={page}",
            delivery_expects(busy, page),
            open_details=True,
        )
    for endpoint, status in ((world.endpoints[0], "succeeded"), (world.endpoints[1], "pending")):
        add(
            "staff",
            f"{reverse('webhooks:detail', args=[endpoint.pk])}?status={status}",
            delivery_expects(endpoint, status=status),
            open_details=True,
        )

    # Moderation.
    queue_notes = [
        Expect("main", note)
        for note in Flag.objects.filter(
            community=world.community, resolved_at__isnull=True
        ).values_list("note", flat=True)
    ]
    add("moderator", f"/c/{slug}/moderation/", queue_notes)
    log = ModerationEntry.objects.filter(community=world.community).exclude(reason="")
    log = list(log.values_list("reason", flat=True))
    add("moderator", f"/c/{slug}/moderation/log/", [Expect("main", reason) for reason in log])
    for user in (world.authors[7], world.authors[0]):
        add(
            "moderator",
            f"/c/{slug}/moderation/members/{user.pk}/",
            [Expect("main", user.display_name)],
        )
    return visits


# --- in the browser -----------------------------------------------------------------------------

INIT_SCRIPT = """
(() => {
  const fired = (n) => {
    (window.__fired = window.__fired || []).push(String(n));
    try { console.info('XSS-FIRED ' + String(n)); } catch (e) { /* a frame without console */ }
  };
  window.__fired = [];
  window.xss = fired;
  window.alert = fired;
  window.confirm = (n) => { fired(n); return false; };
  window.prompt = (n) => { fired(n); return null; };
})();
"""

CHECK_PAGE = r"""
async ({expects, scripts, fragment}) => {
  // Let timers, htmx's load triggers and late error events run first.
  await new Promise((resolve) => setTimeout(resolve, 30));
  const out = {fired: (window.__fired || []).slice(), problems: [], missing: []};
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const show = (el) => el.outerHTML.slice(0, 160);
  const here = (value) => {
    try { return new URL(value, document.baseURI); } catch (e) { return null; }
  };
  const FORBIDDEN = 'style, iframe, frame, frameset, object, embed, applet, param, base, svg, ' +
    'math, video, audio, source, track, picture, template, noscript, xmp, listing, plaintext, ' +
    'marquee, bgsound, keygen, isindex, portal, canvas, dialog, body meta, body link, ' +
    'meta[http-equiv]';
  for (const el of document.querySelectorAll(FORBIDDEN)) out.problems.push('element ' + show(el));
  const titles = document.querySelectorAll('title');
  if (!fragment && (titles.length !== 1 || titles[0].parentElement !== document.head)) {
    out.problems.push(titles.length + ' title elements');
  }
  // Only our two static scripts, from our own origin, with no inline code.
  const found = [];
  for (const s of document.querySelectorAll('script')) {
    const src = s.getAttribute('src');
    const url = src === null ? null : here(src);
    if (!url || url.origin !== location.origin || !scripts.includes(url.pathname) ||
        s.parentElement !== document.head || s.textContent.trim() !== '') {
      out.problems.push('script ' + show(s));
    } else {
      found.push(url.pathname);
    }
  }
  if (found.join() !== (fragment ? '' : scripts.join())) {
    out.problems.push('scripts ' + found.join());
  }
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href',
    'background', 'poster', 'codebase', 'cite', 'dynsrc', 'lowsrc', 'ping', 'manifest',
    'longdesc', 'code', 'archive']);
  const SAFE = new Set(['http:', 'https:', 'mailto:']);
  for (const el of document.querySelectorAll('*')) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || /^(data-)?hx-on/.test(name) || name === 'style' ||
          name === 'srcdoc') {
        out.problems.push('attribute ' + name + ' on ' + show(el));
      }
      if (/^(data-)?hx-(vals|vars|headers)$/.test(name) &&
          /^\s*(js|javascript):/i.test(attr.value)) {
        out.problems.push('script in ' + name + ' on ' + show(el));
      }
      if (URL_ATTRS.has(name)) {
        const raw = attr.value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
        const url = here(attr.value);
        if (/^(javascript|data|vbscript|livescript):/.test(raw) || !url ||
            !SAFE.has(url.protocol)) {
          out.problems.push('URL in ' + name + ' on ' + show(el));
        }
      }
    }
  }
  // Inside member-written Markdown: only what the sanitiser lets through.
  const PROSE_TAGS = new Set(['p', 'br', 'hr', 'strong', 'em', 'code', 'pre', 'blockquote', 'ul',
    'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'table', 'thead', 'tbody', 'tr', 'th',
    'td', 'del', 's']);
  const PROSE_ATTRS = {a: ['href', 'title', 'rel', 'class'], th: ['align'], td: ['align']};
  for (const prose of document.querySelectorAll('.prose')) {
    for (const el of prose.querySelectorAll('*')) {
      if (!PROSE_TAGS.has(el.localName)) out.problems.push('in prose: ' + show(el));
      for (const attr of Array.from(el.attributes)) {
        const allowed = PROSE_ATTRS[el.localName] || [];
        if (!allowed.includes(attr.name) || (attr.name === 'class' && attr.value !== 'mention')) {
          out.problems.push('in prose: attribute ' + attr.name + ' on ' + show(el));
        }
      }
    }
  }
  for (const img of document.querySelectorAll('img')) {
    const url = here(img.getAttribute('src') || '');
    if (!url || url.origin !== location.origin || !url.pathname.startsWith('/media/')) {
      out.problems.push('image ' + show(img));
    }
  }
  for (const form of document.querySelectorAll('form')) {
    const url = here(form.getAttribute('action') || '');
    if (!url || url.origin !== location.origin) out.problems.push('form ' + show(form));
  }
  for (const a of document.querySelectorAll('a[href]')) {
    const url = here(a.getAttribute('href'));
    if (!a.closest('.prose') && (!url || url.origin !== location.origin)) {
      out.problems.push('link ' + show(a));
    }
  }
  for (const e of expects) {
    const els = Array.from(document.querySelectorAll(e.selector));
    let ok;
    if (e.how === 'absent') ok = els.length === 0;
    else if (e.how === 'present') ok = els.length > 0;
    else if (e.how === 'value') ok = els.some((el) => el.value === e.text);
    else if (e.how === 'alt') ok = els.some((el) => el.getAttribute('alt') === e.text);
    else if (e.how === 'exact') ok = els.some((el) => el.textContent === e.text);
    else if (e.how === 'nonempty') {
      ok = els.length > 0 && els.every((el) => norm(el.innerText) !== '');
    }
    else ok = els.some((el) => norm(el.innerText).includes(norm(e.text)));
    if (!ok) {
      out.missing.push(e.how + ' ' + e.selector + ' ' + JSON.stringify(e.text).slice(0, 120));
    }
  }
  return out;
}
"""

STATIC_SCRIPTS = [
    f"{django_settings.STATIC_URL}cocreate/htmx.min.js",
    f"{django_settings.STATIC_URL}cocreate/app.js",
]


@dataclass
class Watched:
    """One visitor's page, with what fired and which dialogs opened on it."""

    page: Page
    fired: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def xss_context(browser, live_server, problems) -> Iterator[Callable[[User | None], Watched]]:
    """A visitor's page in a context that bypasses the CSP (see the module doc) and
    records every xss()/alert()/confirm()/prompt() call and dialog."""
    contexts: list[BrowserContext] = []

    def make(user: User | None) -> Watched:
        context = browser.new_context(
            base_url=live_server.url, viewport=DESKTOP, locale="en-GB", bypass_csp=True
        )
        context.set_default_timeout(15_000)
        context.on("page", problems.watch)
        context.add_init_script(INIT_SCRIPT)
        if user is not None:
            log_in_context(context, user, live_server.url)
        contexts.append(context)
        watched = Watched(context.new_page())

        def on_console(message: Any) -> None:
            if message.text.startswith("XSS-FIRED "):
                watched.fired.append(message.text.removeprefix("XSS-FIRED "))

        def on_dialog(dialog: Any) -> None:
            watched.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        watched.page.on("console", on_console)
        watched.page.on("dialog", on_dialog)
        return watched

    yield make
    for context in contexts:
        context.close()


def open_and_check(watched: Watched, visit: Visit) -> list[str]:
    """Open the page and return what is wrong with it (nothing, we hope)."""
    watched.fired.clear()
    watched.dialogs.clear()
    response = watched.page.goto(visit.path)
    where = f"{visit.who} {visit.path}"
    if response is None or response.status != visit.status:
        return [f"{where}: status {response.status if response else None}"]
    headers = response.headers
    wrong = []
    if not headers.get("content-type", "").startswith("text/html"):
        wrong.append(f"{where}: content type {headers.get('content-type')}")
    if "script-src 'self'" not in headers.get("content-security-policy", ""):
        wrong.append(f"{where}: no Content-Security-Policy")
    if visit.open_details:
        watched.page.evaluate(
            "() => { for (const d of document.querySelectorAll('details')) d.open = true; }"
        )
    result = watched.page.evaluate(
        CHECK_PAGE,
        {
            "expects": [e.js() for e in visit.expects],
            "scripts": STATIC_SCRIPTS,
            "fragment": visit.fragment,
        },
    )
    fired = sorted(set(result["fired"]) | set(watched.fired))
    if fired:
        wrong.append(f"{where}: payloads ran: lines {fired}")
    if watched.dialogs:
        wrong.append(f"{where}: dialogs {watched.dialogs}")
    wrong += [f"{where}: {problem}" for problem in result["problems"]]
    wrong += [f"{where}: missing {missing}" for missing in result["missing"]]
    return wrong


API_PATHS = {
    "anon": [
        "/api/v1/communities",
        "/api/v1/communities/{slug}",
        "/api/v1/communities/{slug}/members",
        "/api/v1/communities/{slug}/charter",
        "/api/v1/communities/{slug}/charter/1",
        "/api/v1/communities/{slug}/circles",
        "/api/v1/communities/{slug}/challenges",
        "/api/v1/communities/{slug}/stages",
        "/api/v1/challenges/{challenge}",
        "/api/v1/challenges/{challenge}/ideas?sort=new",
        "/api/v1/challenges/{challenge}/ideas?sort=discussed",
        "/api/v1/challenges/{challenge}/comments",
        "/api/v1/challenges/{challenge}/decisions",
        "/api/v1/ideas/{idea}",
        "/api/v1/ideas/{idea}/comments",
        "/api/v1/ideas/{idea}/history",
        "/api/v1/ideas/{idea}/versions",
        "/api/v1/ideas/{idea}/lineage",
        "/api/v1/ideas/{idea}/coauthors",
        "/api/v1/ideas/{idea}/merges",
        "/api/v1/comments/{comment}",
        "/api/v1/comments/{comment}/versions",
        "/api/v1/users/{user}",
        "/api/v1/ideas/{idea}/updates",
        "/api/v1/updates/{update}",
        "/api/v1/updates/{update}/comments",
    ],
    "staff": [
        "/api/v1/communities/{slug}/webhooks",
        "/api/v1/webhooks/{endpoint}",
        "/api/v1/webhooks/{endpoint}/deliveries",
    ],
    "reader": ["/api/v1/notifications", "/api/v1/follows", "/api/v1/me"],
    "moderator": [
        "/api/v1/communities/{slug}/moderation/queue",
        "/api/v1/communities/{slug}/moderation/log",
    ],
    "owner": [
        "/api/v1/communities/{slug}/log",
        "/api/v1/communities/{slug}/invitations",
        "/api/v1/ideas/{supported}/supporter-answers",
        "/api/v1/communities/apply-here/applications",
    ],
}


def check_api(watched: dict[str, Watched], world: World, live_url: str) -> list[str]:
    """The API's answers are JSON data that hands the text back as written."""
    comment = world.edited_comments[0]
    values = {
        "slug": world.community.slug,
        "challenge": world.challenge.pk,
        "idea": world.ideas[0].pk,
        "supported": world.ideas[6].pk,
        "comment": comment.pk,
        "user": world.authors[0].pk,
        "update": world.updates[0].pk,
        "endpoint": world.endpoints[0].pk,
    }
    wrong = []
    for who, paths in API_PATHS.items():
        request = watched[who].page.context.request
        for template in paths:
            path = template.format(**values)
            response = request.get(live_url + path)
            headers = response.headers
            if response.status != 200:
                wrong.append(f"{who} {path}: status {response.status}")
                continue
            if not headers.get("content-type", "").startswith("application/json"):
                wrong.append(f"{who} {path}: content type {headers.get('content-type')}")
            if headers.get("x-content-type-options") != "nosniff":
                wrong.append(f"{who} {path}: no X-Content-Type-Options: nosniff")
            response.json()  # parses
    request = watched["anon"].page.context.request
    idea = world.ideas[0]
    idea.refresh_from_db()
    data = request.get(f"{live_url}/api/v1/ideas/{idea.pk}").json()
    if (data["title"], data["body"]) != (idea.title, idea.body):
        wrong.append(f"API idea {idea.pk} does not return its text as written")
    bodies = {
        c["id"]: c["body"]
        for c in request.get(f"{live_url}/api/v1/ideas/{idea.pk}/comments").json()["items"]
    }
    stored = dict(
        Comment.objects.filter(idea=idea, update=None, status=CommentStatus.VISIBLE).values_list(
            "pk", "body"
        )
    )
    if {pk: bodies.get(pk) for pk in stored} != stored:
        wrong.append(f"API comments of idea {idea.pk} do not return their text as written")
    update = world.updates[0]
    update.refresh_from_db()
    data = request.get(f"{live_url}/api/v1/updates/{update.pk}").json()
    if (data["title"], data["body"]) != (update.title, update.body):
        wrong.append(f"API update {update.pk} does not return its text as written")
    staff = watched["staff"].page.context.request
    endpoint = world.endpoints[0]
    sent = {
        d["id"]: d["body"]
        for d in staff.get(f"{live_url}/api/v1/webhooks/{endpoint.pk}/deliveries").json()["items"]
    }
    stored = {
        str(pk): body
        for pk, body in Delivery.objects.filter(endpoint=endpoint).values_list("pk", "body")
    }
    if not sent or {pk: stored.get(pk) for pk in sent} != sent:
        wrong.append(f"API deliveries of endpoint {endpoint.pk} are not the bodies sent")
    query = urlencode({"challenge": world.challenge.pk, "text": PAYLOADS[0].text})
    similar = request.get(f"{live_url}/api/v1/ideas/similar?{query}")
    if not similar.headers.get("content-type", "").startswith("application/json"):
        wrong.append("API similar ideas is not JSON")
    return wrong


def test_every_payload_in_every_field_renders_inert_on_every_page(
    xss_context, live_server, problems, settings, monkeypatch, hook_receiver
):
    settings.COMMENTS_PER_HOUR = 10_000  # a few hundred comments by a dozen people
    # The consumers (follows, notifications) run once over all the events at the end
    # of the build, in event order as the worker would, instead of after each commit.
    with monkeypatch.context() as patch:
        patch.setattr(events, "_schedule_consumers", lambda: None)
        world = build_world(PAYLOADS, hook_receiver)
    assert world.spread.unused() == []
    assert Comment.objects.filter(update=None).count() == len(PAYLOADS)
    assert Comment.objects.exclude(update=None).count() == 24
    assert len(hook_receiver.requests) > 20
    assert Delivery.objects.exclude(error="").exists()
    assert Notification.objects.filter(user=world.reader).count() > 30

    people = world.visitors()
    watched: dict[str, Watched] = {}

    def visitor(who: str) -> Watched:
        if who not in watched:
            watched[who] = xss_context(people[who])
        return watched[who]

    # The harness itself: with the CSP bypassed, an inline handler does run and is caught.
    probe = visitor("anon")
    probe.page.goto("/")
    probe.page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', "
        '\'<img src="data:image/png;base64,AAAA" onerror="xss(-1)">\')'
    )
    probe.page.wait_for_function("window.__fired.length > 0")
    assert probe.page.evaluate("window.__fired") == ["-1"]

    wrong: list[str] = []
    visits = plan(world)
    for visit in visits:
        wrong += open_and_check(visitor(visit.who), visit)
    wrong += check_api(watched, world, live_server.url)
    ran = sorted({int(n) for w in wrong for n in re.findall(r"'(-?\d+)'", w) if "ran:" in w})
    summary = f"{len(wrong)} problems on {len(visits)} pages; payloads that ran: lines {ran}"
    assert wrong == [], summary + "\n" + "\n".join(wrong[:80])
    # (the 404 probes log their own status in the console)
    assert [p for p in problems.besides_favicon() if "/charter/999/" not in p] == []
