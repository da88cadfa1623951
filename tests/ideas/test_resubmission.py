"""An expired idea can be resubmitted as a new idea linked to the old one, by its
author only."""

from __future__ import annotations

import pytest

from cocreate.core.errors import Invalid
from cocreate.ideas import actions
from cocreate.ideas.models import Idea, Stage
from tests.challenges.helpers import API, assert_error, db_state, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired(idea):
    Idea.objects.filter(pk=idea.pk).update(stage=Stage.EXPIRED)
    idea.refresh_from_db()
    return idea


def test_the_author_resubmits_an_expired_idea(expired, author, api_client):
    response = post_json(
        api_client(author),
        f"{API}/challenges/{expired.challenge_id}/ideas",
        {
            "title": "Refillable bottles, again",
            "body": "Second try.",
            "resubmission_of": expired.pk,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["resubmission_of"] == expired.pk
    assert body["stage"] == "gathering_support"
    assert body["support_count"] == 0
    assert Idea.objects.get(pk=expired.pk).stage == "expired"  # the old one stays as it was


def test_someone_else_cannot_resubmit_it(expired, member, api_client):
    client = api_client(member)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.submit_idea(
            member, expired.challenge, title="Mine", body="x", resubmission_of=expired
        )
    response = post_json(
        client,
        f"{API}/challenges/{expired.challenge_id}/ideas",
        {"title": "Mine", "body": "x", "resubmission_of": expired.pk},
    )

    assert "resubmission_of" in exc.value.fields
    assert_error(response, 422, "invalid", "resubmission_of")
    assert db_state() == before


def test_an_idea_that_has_not_expired_cannot_be_resubmitted(idea, author):
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.submit_idea(author, idea.challenge, title="Again", body="x", resubmission_of=idea)

    assert "resubmission_of" in exc.value.fields
    assert db_state() == before


def test_resubmit_page_for_the_author(expired, author, member):
    page = client_for(author).get(f"/ideas/{expired.pk}/").content.decode()
    others = client_for(member).get(f"/ideas/{expired.pk}/").content.decode()
    response = client_for(author).post(
        f"/challenges/{expired.challenge_id}/ideas/new/?resubmit={expired.pk}",
        {"title": "Again", "body": "Second try.", "language": "en", "resubmission_of": expired.pk},
    )

    assert f"?resubmit={expired.pk}" in page
    assert f"?resubmit={expired.pk}" not in others
    assert response.status_code == 302
    assert Idea.objects.get(title="Again").resubmission_of_id == expired.pk
