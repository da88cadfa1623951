"""Every edit is a new version; big changes are flagged material (so supporters can
be told); an edit that changes nothing is refused."""

from __future__ import annotations

import pytest

from cocreate.core.errors import Forbidden, Invalid
from cocreate.core.models import Event
from cocreate.ideas import actions
from cocreate.ideas.models import Idea, IdeaVersion
from tests.challenges.helpers import API, assert_error, db_state, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

BODY = "Bottles you bring back and refill."


def edited_events(idea):
    return list(
        Event.objects.filter(kind="idea.edited", target_id=idea.pk).values_list("data", flat=True)
    )


def test_an_edit_is_a_new_version(idea, author):
    actions.edit_idea(author, idea, body=BODY + " Also jars.")

    idea.refresh_from_db()
    assert idea.version_count == 2
    assert idea.body == BODY + " Also jars."
    versions = list(IdeaVersion.objects.filter(idea=idea).order_by("number"))
    assert [(v.number, v.body, v.editor_id) for v in versions] == [
        (1, BODY, author.pk),
        (2, BODY + " Also jars.", author.pk),
    ]


def test_a_small_change_is_not_material(idea, author):
    actions.edit_idea(author, idea, body=BODY + " Also jars.")

    assert IdeaVersion.objects.get(idea=idea, number=2).material is False
    assert edited_events(idea) == [{"version": 2, "material": False}]


@pytest.mark.parametrize(
    "change",
    [
        {"body": "A completely different plan: paper cups that dissolve in the rain."},
        {"title": "Refillable jars"},
    ],
)
def test_a_big_change_is_material_and_recorded_for_supporters(idea, author, change):
    actions.edit_idea(author, idea, **change)

    assert IdeaVersion.objects.get(idea=idea, number=2).material is True
    assert edited_events(idea) == [{"version": 2, "material": True}]


def test_versions_count_up(idea, author):
    for i in range(3):
        actions.edit_idea(author, idea, tags=[f"tag{i}"])

    idea.refresh_from_db()
    assert idea.version_count == 4
    assert list(idea.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4]
    assert idea.tags == ["tag2"]


@pytest.mark.parametrize(
    "change",
    [{}, {"title": "Refillable bottles"}, {"body": BODY}, {"body": "  " + BODY + "  "}],
)
def test_an_edit_that_changes_nothing_is_invalid(idea, author, change):
    before = db_state()

    with pytest.raises(Invalid):
        actions.edit_idea(author, idea, **change)

    assert db_state() == before


def test_edits_keep_title_and_body_required(idea, author):
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.edit_idea(author, idea, title="  ")

    assert "title" in exc.value.fields
    assert db_state() == before


@pytest.mark.parametrize("role", ["member", "staff", "owner", "outsider"])
def test_only_authors_edit(request, idea, role):
    before = db_state()

    with pytest.raises(Forbidden):
        actions.edit_idea(request.getfixturevalue(role), idea, body="Taken over.")

    assert db_state() == before


def test_an_accepted_coauthor_edits_but_an_invited_one_does_not(idea, author, member):
    actions.invite_coauthor(author, idea, member)
    with pytest.raises(Forbidden):
        actions.edit_idea(member, Idea.objects.get(pk=idea.pk), body="Not yet.")

    actions.answer_coauthorship(member, idea, accept=True)
    actions.edit_idea(member, Idea.objects.get(pk=idea.pk), body=BODY + " By the co-author.")

    assert IdeaVersion.objects.get(idea=idea, number=2).editor == member


def test_an_idea_under_review_is_no_longer_edited(idea, author, staff):
    actions.change_stage(staff, idea, stage="under_review", reason="Promising")
    before = db_state()

    with pytest.raises(Forbidden):
        actions.edit_idea(author, Idea.objects.get(pk=idea.pk), body="Sneaky change.")

    assert db_state() == before


def test_api_patch_edits_and_lists_versions(idea, author, api_client):
    client = api_client(author)

    response = post_json(client, f"{API}/ideas/{idea.pk}", {"title": "Refillable jars"}, "patch")
    versions = client.get(f"{API}/ideas/{idea.pk}/versions").json()

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Refillable jars"
    assert response.json()["version_count"] == 2
    assert [(v["number"], v["material"]) for v in versions["items"]] == [(2, True), (1, False)]


def test_api_patch_without_change_is_422(idea, author, api_client):
    client = api_client(author)
    before = db_state()

    response = post_json(client, f"{API}/ideas/{idea.pk}", {"body": BODY}, "patch")

    assert_error(response, 422, "invalid", "body")
    assert db_state() == before


def test_api_patch_by_another_member_is_403(idea, member, api_client):
    client = api_client(member)
    before = db_state()

    response = post_json(client, f"{API}/ideas/{idea.pk}", {"body": "Mine"}, "patch")

    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_edit_page_saves_a_version_and_the_versions_page_shows_the_diff(idea, author):
    client = client_for(author)
    assert client.get(f"/ideas/{idea.pk}/edit/").status_code == 200

    response = client.post(
        f"/ideas/{idea.pk}/edit/",
        {
            "title": "Refillable bottles",
            "body": BODY + "\n\nNew paragraph.",
            "tags": "",
            "language": "en",
        },
    )
    versions = client.get(f"/ideas/{idea.pk}/versions/")

    assert response.status_code == 302
    assert Idea.objects.get(pk=idea.pk).version_count == 2
    assert versions.status_code == 200
    assert "New paragraph." in versions.content.decode()


def test_edit_page_is_forbidden_to_others(idea, member):
    client = client_for(member)
    before = db_state()

    assert client.get(f"/ideas/{idea.pk}/edit/").status_code == 403
    assert client.post(f"/ideas/{idea.pk}/edit/", {"title": "x", "body": "y"}).status_code == 403
    assert db_state() == before
