"""Submitting an idea: title and body required, tags cleaned, language checked; the
idea starts on the ladder with version 1 and a first timeline entry."""

from __future__ import annotations

import re

import pytest

from cocreate.challenges.models import Challenge
from cocreate.core.errors import Invalid
from cocreate.core.models import Event
from cocreate.ideas import actions
from cocreate.ideas.models import Idea, IdeaVersion, StageChange
from tests.challenges.helpers import API, assert_error, db_state, make_challenge, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_submitted_idea_is_gathering_support_with_its_first_version(challenge, member):
    idea = actions.submit_idea(
        member,
        challenge,
        title="  Refill stations  ",
        body="Refill stations in every shop.",
        tags=["Refill", "  zero   waste ", "refill"],
        language="en",
    )

    idea.refresh_from_db()
    assert idea.title == "Refill stations"
    assert idea.author == member
    assert idea.stage == "gathering_support"
    assert idea.support_count == 0
    assert idea.version_count == 1
    assert idea.tags == ["refill", "zero waste"]
    assert list(IdeaVersion.objects.filter(idea=idea).values_list("number", "title")) == [
        (1, "Refill stations")
    ]
    assert list(StageChange.objects.filter(idea=idea).values_list("from_stage", "to_stage")) == [
        ("", "gathering_support")
    ]
    assert Challenge.objects.get(pk=challenge.pk).idea_count == 1
    assert Event.objects.filter(kind="idea.submitted", target_id=idea.pk).count() == 1


def test_an_idea_starts_on_the_first_rung_of_the_ladder(challenge, member):
    idea = actions.submit_idea(member, challenge, title="T", body="B")

    assert idea.ladder_level == 0
    assert idea.ladder_target == 100  # the LEGO preset
    assert idea.deadline_at is not None
    assert 59 < (idea.deadline_at - idea.created_at).total_seconds() / 86400 < 61


def test_without_the_ladder_an_idea_is_submitted_with_no_deadline(community, owner, member):
    challenge = make_challenge(owner, community, uses_ladder=False)

    idea = actions.submit_idea(member, challenge, title="T", body="B")

    assert idea.stage == "submitted"
    assert idea.deadline_at is None
    assert idea.ladder_target is None


@pytest.mark.parametrize(
    ("tags", "cleaned"),
    [
        ("solar, Wind ,solar", ["solar", "wind"]),
        ("太阳能，风能", ["太阳能", "风能"]),  # the Chinese comma separates too
        (["  Big   Idea  "], ["big idea"]),
        (["x" * 40], ["x" * 30]),
        ([], []),
        (None, []),
    ],
)
def test_tags_are_cleaned(challenge, member, tags, cleaned):
    idea = actions.submit_idea(member, challenge, title="T", body="B", tags=tags)

    assert Idea.objects.get(pk=idea.pk).tags == cleaned


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "", "body": "B"}, "title"),
        ({"title": "   ", "body": "B"}, "title"),
        ({"title": "T", "body": ""}, "body"),
        ({"title": "T" * 161, "body": "B"}, "title"),
        ({"title": "T", "body": "B", "tags": [f"t{i}" for i in range(9)]}, "tags"),
        ({"title": "T", "body": "B", "language": "fr"}, "language"),
        ({"title": "T", "body": "B", "language": "zh"}, "language"),
    ],
)
def test_bad_input_is_invalid_naming_the_field_and_creates_nothing(
    challenge, member, fields, field
):
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.submit_idea(member, challenge, **fields)

    assert field in exc.value.fields
    assert db_state() == before


def test_chinese_ideas_are_accepted(challenge, member):
    idea = actions.submit_idea(
        member, challenge, title="可回收包装", body="用竹子做包装。", language="zh-hans"
    )

    assert Idea.objects.get(pk=idea.pk).language == "zh-hans"


def test_api_submit_returns_the_idea_json(challenge, member, api_client):
    response = post_json(
        api_client(member),
        f"{API}/challenges/{challenge.pk}/ideas",
        {"title": "Refill", "body": "**Refill** it.", "tags": ["A", "a", "b"], "language": "en"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "title", "body", "stage", "support_count", "authors", "parent"} <= set(body)
    assert body["title"] == "Refill"
    assert body["stage"] == "gathering_support"
    assert body["support_count"] == 0
    assert body["authors"] == [
        {"id": member.pk, "display_name": member.display_name, "handle": member.handle}
    ]
    assert body["parent"] is None
    assert body["tags"] == ["a", "b"]
    assert "<strong>Refill</strong>" in body["body_html"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "", "body": "B"}, "title"),
        ({"title": "T", "body": "  "}, "body"),
        ({"body": "B"}, "title"),
        ({"title": "T", "body": "B", "language": "de"}, "language"),
        ({"title": "T", "body": "B", "tags": [f"t{i}" for i in range(9)]}, "tags"),
    ],
)
def test_api_bad_input_is_422_with_the_field_and_creates_nothing(
    challenge, member, api_client, payload, field
):
    client = api_client(member)
    before = db_state()

    response = post_json(client, f"{API}/challenges/{challenge.pk}/ideas", payload)

    assert_error(response, 422, "invalid", field)
    assert db_state() == before


def test_the_body_is_sanitised_when_shown(challenge, member, api_client):
    idea = actions.submit_idea(
        member, challenge, title="T", body='<script>alert(1)</script><img src=x onerror="boom">'
    )

    html = api_client(None).get(f"{API}/ideas/{idea.pk}").json()["body_html"]
    page = client_for(None).get(f"/ideas/{idea.pk}/").content.decode()

    # Shown as text or dropped, never as live markup.
    for shown in (html, page):
        assert "<script>alert(1)" not in shown
        assert not re.search(r"<[^>]*onerror", shown)


def test_submit_page_creates_the_idea(challenge, member):
    client = client_for(member)
    assert client.get(f"/challenges/{challenge.pk}/ideas/new/").status_code == 200

    response = client.post(
        f"/challenges/{challenge.pk}/ideas/new/",
        {
            "title": "竹子包装",
            "body": "用竹子做包装。",
            "tags": "竹子，包装",
            "language": "zh-hans",
        },
    )

    idea = Idea.objects.get(title="竹子包装")
    assert response.status_code == 302
    assert response["Location"] == f"/ideas/{idea.pk}/"
    assert idea.tags == ["竹子", "包装"]
    assert idea.language == "zh-hans"


def test_submit_page_shows_errors_and_creates_nothing(challenge, member):
    client = client_for(member)
    before = db_state()

    response = client.post(
        f"/challenges/{challenge.pk}/ideas/new/", {"title": "", "body": "", "language": "en"}
    )

    assert response.status_code in (200, 422)
    assert db_state() == before
