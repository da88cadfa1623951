"""Terms are versioned: each idea records the version it accepted, submitting
without accepting is refused, and new terms never change what old ideas accepted."""

from __future__ import annotations

import pytest

from cocreate.challenges import actions
from cocreate.core.errors import Forbidden, Invalid
from cocreate.ideas import actions as idea_actions
from cocreate.ideas.models import Idea
from tests.challenges.helpers import API, assert_error, db_state, fresh, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def terms(owner, challenge, usage="We may show your idea in our shops."):
    return actions.publish_terms(
        owner, challenge, usage=usage, ip_owner="shared", minimum_age=18, text="The full terms."
    )


def test_each_publication_is_the_next_version(challenge, owner):
    first = terms(owner, challenge)
    second = terms(owner, challenge, usage="Only online.")

    assert (first.number, second.number) == (1, 2)
    assert fresh(challenge).current_terms() == second
    assert first.usage == "We may show your idea in our shops."  # never edited


def test_an_idea_records_the_terms_version_it_accepted(challenge, owner, member):
    v1 = terms(owner, challenge)

    idea = idea_actions.submit_idea(
        member, fresh(challenge), title="Hemp cups", body="Cups made of hemp.", accept_terms=True
    )

    assert Idea.objects.get(pk=idea.pk).terms_version == v1


def test_without_terms_no_acceptance_is_needed(challenge, member):
    idea = idea_actions.submit_idea(member, challenge, title="Hemp cups", body="Cups of hemp.")

    assert idea.terms_version is None


def test_submitting_without_accepting_the_terms_is_invalid_and_creates_nothing(
    challenge, owner, member
):
    terms(owner, challenge)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        idea_actions.submit_idea(member, fresh(challenge), title="Hemp", body="Cups of hemp.")

    assert "accept_terms" in exc.value.fields
    assert db_state() == before


@pytest.mark.parametrize("payload_extra", [{}, {"accept_terms": False}])
def test_api_submit_without_accept_terms_is_422_and_creates_nothing(
    challenge, owner, member, api_client, payload_extra
):
    terms(owner, challenge)
    client = api_client(member)
    before = db_state()

    response = post_json(
        client,
        f"{API}/challenges/{challenge.pk}/ideas",
        {"title": "Hemp", "body": "Cups of hemp.", **payload_extra},
    )

    assert_error(response, 422, "invalid", "accept_terms")
    assert db_state() == before


def test_api_submit_with_accept_terms_records_the_version_number(
    challenge, owner, member, api_client
):
    terms(owner, challenge)
    terms(owner, challenge, usage="Second version")

    response = post_json(
        api_client(member),
        f"{API}/challenges/{challenge.pk}/ideas",
        {"title": "Hemp", "body": "Cups of hemp.", "accept_terms": True},
    )

    assert response.status_code == 201, response.content
    assert response.json()["terms_version"] == 2


def test_new_terms_keep_old_ideas_on_their_version(challenge, owner, member, api_client):
    terms(owner, challenge)
    old = idea_actions.submit_idea(
        member, fresh(challenge), title="Old", body="Under v1.", accept_terms=True
    )

    response = post_json(
        api_client(owner),
        f"{API}/challenges/{challenge.pk}/terms",
        {"usage": "Everything changes.", "ip_owner": "organisation"},
    )
    new = idea_actions.submit_idea(
        member, fresh(challenge), title="New", body="Under v2.", accept_terms=True
    )

    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    assert Idea.objects.get(pk=old.pk).terms_version.number == 1
    assert Idea.objects.get(pk=new.pk).terms_version.number == 2
    assert api_client(member).get(f"{API}/ideas/{old.pk}").json()["terms_version"] == 1
    assert api_client(None).get(f"{API}/challenges/{challenge.pk}").json()["terms"]["number"] == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"usage": "  "}, "usage"),
        ({"usage": "ok", "ip_owner": "nobody"}, "ip_owner"),
        ({"usage": "ok", "minimum_age": 120}, "minimum_age"),
        ({"usage": "ok", "minimum_age": "adult"}, "minimum_age"),
    ],
)
def test_bad_terms_are_invalid_and_change_nothing(challenge, owner, fields, field):
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.publish_terms(owner, challenge, **fields)

    assert field in exc.value.fields
    assert db_state() == before


def test_members_cannot_publish_terms(challenge, member, api_client):
    client = api_client(member)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.publish_terms(member, challenge, usage="Mine now")
    response = post_json(client, f"{API}/challenges/{challenge.pk}/terms", {"usage": "Mine"})

    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_submit_page_requires_the_terms_box(challenge, owner, member):
    terms(owner, challenge)
    client = client_for(member)
    before = db_state()

    refused = client.post(
        f"/challenges/{challenge.pk}/ideas/new/",
        {"title": "Hemp", "body": "Cups of hemp.", "language": "en"},
    )
    assert refused.status_code == 422
    assert db_state() == before

    accepted = client.post(
        f"/challenges/{challenge.pk}/ideas/new/",
        {"title": "Hemp", "body": "Cups of hemp.", "language": "en", "accept_terms": "on"},
    )
    idea = Idea.objects.get(title="Hemp")
    assert accepted.status_code == 302
    assert accepted["Location"] == f"/ideas/{idea.pk}/"
    assert idea.terms_version.number == 1


def test_challenge_page_shows_the_current_terms(challenge, owner, member):
    terms(owner, challenge)
    terms(owner, challenge, usage="Shown on the packaging.")

    html = client_for(member).get(f"/challenges/{challenge.pk}/").content.decode()

    assert "Shown on the packaging." in html
    assert "Version 2" in html
