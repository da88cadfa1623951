"""`cocreate demo`: the handles of the demo people, the idea updates the authors post
(LEGO Ideas style) with their discussions, and @mentions in replies. The story is
planned without the database (the actions are only scheduled, never run), so these
checks are fast; tests/core/test_cli.py runs the whole demo in a real process."""

from __future__ import annotations

import random
import re
from collections import Counter
from itertools import pairwise, product

import pytest

from cocreate.accounts import handles
from cocreate.accounts.models import User
from cocreate.communities import demo_data as text
from cocreate.communities.management.commands import demo
from cocreate.dialogue import mentions

CJK = re.compile(r"[\u4e00-\u9fff]")
KINDS = ("progress", "question", "thanks", "meeting", "prototype", "samples", "delivered")
KINDS += ("declined",)
PUBLISHED = {"rain": -19.0, "cargo": -56.0, "night": -82.0}  # as _challenges() sets them


class _Names(dict):
    """Stands in for the demo's people while planning: each name is its own person."""

    def __missing__(self, name: str) -> str:
        return name


@pytest.fixture(scope="module")
def story() -> demo.Command:
    """The demo's plan: what happens to the ideas, their discussions and updates."""
    command = demo.Command()
    command.ops = []
    command.people = _Names()
    command.published = PUBLISHED
    command._ideas()
    command._discussions()
    command._updates()
    return command


def _chinese_names() -> set[str]:
    people = [(name, lang) for name, _bio, lang in demo.PEOPLE]
    people += [(name, lang) for name, _bio, lang, _answers in demo.APPLICANTS]
    return {name for name, lang in people if lang == "zh-hans"}


def test_every_chinese_demo_name_has_a_valid_unique_pinyin_handle():
    assert set(demo.HANDLES) == _chinese_names()
    latin = {handles.base_for(name) for name, _bio, lang in demo.PEOPLE if lang == "en"} | {
        handles.base_for(name) for name, _bio, lang, _a in demo.APPLICANTS if lang == "en"
    }
    chosen = [handle.lower() for handle in demo.HANDLES.values()]
    assert len(set(chosen)) == len(chosen)
    assert not set(chosen) & latin
    for handle in chosen:
        assert handles.VALID.match(handle), handle
        assert handle not in handles.RESERVED
        assert handle.isascii() and handle.isalpha()  # pinyin, no "member123"


@pytest.mark.django_db
def test_demo_people_get_their_handle_unless_someone_else_has_it():
    command = demo.Command()
    wang = command._user("w@example.org", "王浩然", "", "zh-hans", "!")
    assert wang.handle == "wanghaoran"
    mia = command._user("m@example.org", "Mia Member", "", "en", "!")
    assert mia.handle == "mia_member"
    # Someone outside the demo already took "chensiyuan": the site picks another one.
    User.objects.create(email="x@example.org", display_name="X", handle="ChenSiyuan")
    chen = command._user("c@example.org", "陈思远", "", "zh-hans", "!")
    assert chen.handle and chen.handle.lower() != "chensiyuan"
    # An existing account is left alone.
    assert command._user("w@example.org", "王浩然", "", "zh-hans", "!").pk == wang.pk


def test_popular_and_decided_ideas_get_one_to_three_updates(story):
    updates = story.newsroom.updates
    per_idea = Counter(update.idea for update in updates)
    assert 25 <= len(per_idea) <= 40
    assert set(per_idea.values()) <= {1, 2, 3}
    decided = [
        idea
        for idea in story.planner.ideas
        if {stage for _d, stage, _w in idea.steps} & {"accepted", "in_progress", "delivered"}
    ]
    assert decided and all(idea in per_idea for idea in decided)
    popular = [idea for idea in story.planner.ideas if idea.supports >= 30]
    assert all(idea in per_idea for idea in popular)
    kinds = Counter(update.kind for update in updates)
    assert {"progress", "question", "thanks", "meeting", "prototype", "delivered"} <= set(kinds)


def test_updates_come_after_the_idea_and_before_now_in_order_and_apart(story):
    by_idea: dict[demo.IdeaPlan, list[float]] = {}
    for update in story.newsroom.updates:
        idea = update.idea
        assert idea.created < update.day < demo.LATEST
        by_idea.setdefault(idea, []).append(update.day)
        # Written by the author, or by a co-author who had accepted by then.
        if update.author != idea.author:
            assert update.author == idea.coauthor
            assert idea.coauthor_at is not None and idea.coauthor_at < update.day
        # After a decision only what follows from it: a prototype once accepted...
        stages = [stage for day, stage, _w in idea.steps if day < update.day]
        expected = {
            "prototype": "accepted",
            "samples": "in_progress",
            "delivered": "delivered",
            "declined": "declined",
        }
        if update.kind in expected:
            assert stages and stages[-1] == expected[update.kind]
        if update.kind == "meeting":
            assert stages and stages[-1] == "under_review"
    for days in by_idea.values():
        days.sort()
        # Never near the rate limit: at most three, at least half a day apart.
        assert all(b - a >= 0.5 for a, b in pairwise(days))


def test_updates_are_written_in_the_ideas_language_and_never_repeat(story):
    updates = story.newsroom.updates
    assert {update.idea.language for update in updates} == {"en", "zh-hans"}
    assert len({update.body for update in updates}) == len(updates)
    for update in updates:
        assert 0 < len(update.title) <= 140
        written = update.title + update.body
        if update.idea.language == "zh-hans":
            assert CJK.search(update.body), update.body
        else:
            assert not CJK.search(written), written
        rest = written.replace("{handle}", "")
        assert "{" not in rest and "}" not in rest, written
        assert ("{handle}" in update.body) == (update.mention is not None)


def test_some_updates_mention_a_coauthor_a_commenter_or_the_staff(story):
    updates = story.newsroom.updates
    mentioned = [update for update in updates if update.mention]
    assert 0.15 * len(updates) <= len(mentioned) <= 0.6 * len(updates)
    coauthors = [u for u in mentioned if u.mention in (u.idea.coauthor, u.idea.author)]
    assert coauthors  # "Thanks to @wangfang for the sketch"
    for update in mentioned:
        assert update.mention != update.author


def test_about_half_the_updates_draw_comments_some_official(story):
    updates = story.newsroom.updates
    comments = [c for c in story.newsroom.comments if c.update is not None]
    assert comments == story.newsroom.comments  # none lands in the ideas' own discussions
    discussed = Counter(comment.update for comment in comments)
    assert 0.35 * len(updates) <= len(discussed) <= 0.7 * len(updates)
    assert set(discussed.values()) <= {1, 2, 3, 4}
    official = [c for c in comments if c.official]
    assert official
    speakers = set(story.newsroom.speakers["en"]) | set(story.newsroom.speakers["zh-hans"])
    for comment in comments:
        update = comment.update
        assert comment.idea is update.idea
        assert update.day < comment.day < demo.LATEST
        assert (comment.parent is None) or (comment.parent.update is update)
        if comment.official:
            assert comment.author in speakers and comment.parent is not None
        if comment.parent is None:
            assert comment.author not in (update.idea.author, update.idea.coauthor)
        assert bool(CJK.search(comment.body)) == (update.idea.language == "zh-hans"), comment.body


def test_a_few_replies_mention_someone_in_their_thread(story):
    replies = [c for c in story.talk.comments if c.parent is not None]
    named = [c for c in replies if c.mention]
    assert 0.04 * len(replies) <= len(named) <= 0.1 * len(replies)
    for comment in named:
        thread = {comment.parent.author, comment.root.author}
        assert comment.mention in thread and comment.mention != comment.author
    # Top-level comments never start with a mention.
    assert not [c for c in story.talk.comments if c.parent is None and c.mention]


def test_the_plan_is_the_same_every_time(story):
    again = demo.Command()
    again.ops, again.people, again.published = [], _Names(), PUBLISHED
    again._ideas()
    again._discussions()
    again._updates()
    first = [(u.idea.key, u.day, u.author, u.title, u.body) for u in story.newsroom.updates]
    second = [(u.idea.key, u.day, u.author, u.title, u.body) for u in again.newsroom.updates]
    assert first == second
    assert [c.mention for c in story.talk.comments] == [c.mention for c in again.talk.comments]


@pytest.mark.parametrize(
    ("kind", "language"),
    list(
        product(
            KINDS,
            ["en", "zh-hans"],
        )
    ),
)
def test_every_kind_of_update_reads_well_for_every_kind_of_idea(kind, language):
    """Parts, app features, places and services: every kind of update has its text in
    both languages, with nothing left to fill in, and Latin words spaced from Chinese."""
    rng = random.Random(7)
    seen: set[str] = set()
    for theme_key, theme in text.THEMES.items():
        for solution in theme.solutions:
            spare = list(solution.twists[:2]) if kind == "question" else []
            title, body = text.update(
                rng,
                kind,
                theme_key=theme_key,
                solution=solution,
                language=language,
                used=set(),
                mention="helper",
                count=25,
                next_step=50,
                staff="Mara Lindqvist" if language == "en" else "陈思远",
                twists=spare,
                own_twist=solution.twists[0],
                days=12,
            )
            assert title and body
            assert "{handle}" in body
            rest = (title + body).replace("{handle}", "")
            assert "{" not in rest and "}" not in rest
            assert bool(CJK.search(title + body)) == (language == "zh-hans")
            if language == "zh-hans":
                assert not re.search(r"[\u4e00-\u9fff][A-Za-z]|[A-Za-z][\u4e00-\u9fff]", body)
            seen.add(body)
    assert len(seen) > 1


@pytest.mark.django_db
def test_an_update_mention_becomes_a_link_to_the_person():
    wang = User.objects.create(email="w@example.org", display_name="王浩然", handle="wanghaoran")
    _title, body = text.update(
        random.Random(1),
        "progress",
        theme_key="rain",
        solution=text.RAIN.solutions[0],
        language="zh-hans",
        used=set(),
        mention="coauthor",
    )
    html, mentioned = mentions.render(body.replace("{handle}", f"@{wang.handle}"))
    assert mentioned == [wang.pk]
    assert 'class="mention"' in html and "@wanghaoran" in html
