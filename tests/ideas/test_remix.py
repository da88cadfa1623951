"""Remixes link to their parent; the lineage (ancestors and the whole remix tree)
is on a page and in the API; an idea you cannot see cannot be remixed."""

from __future__ import annotations

import pytest

from cocreate.core.errors import Invalid
from cocreate.core.models import Event
from cocreate.ideas import actions
from cocreate.ideas.models import Idea
from tests.challenges.helpers import API, assert_error, db_state, make_challenge, post_json
from tests.conftest import client_for
from tests.factories import CommunityFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def remix(user, parent, title):
    return actions.submit_idea(user, parent.challenge, title=title, body="Remixed.", parent=parent)


def test_a_remix_links_to_its_parent(idea, member, api_client):
    child = remix(member, idea, "Refillable jars")

    assert Idea.objects.get(pk=child.pk).parent_id == idea.pk
    assert api_client(None).get(f"{API}/ideas/{child.pk}").json()["parent"] == idea.pk
    assert Event.objects.filter(kind="idea.remixed", target_id=idea.pk).count() == 1


def test_lineage_api_gives_ancestors_and_the_whole_tree(idea, member, author, api_client):
    a = remix(member, idea, "A")
    b = remix(author, idea, "B")
    a1 = remix(author, a, "A1")
    a1x = remix(member, a1, "A1x")

    lineage = api_client(None).get(f"{API}/ideas/{a1x.pk}/lineage").json()
    from_root = api_client(None).get(f"{API}/ideas/{idea.pk}/lineage").json()

    assert lineage["ancestors"] == [idea.pk, a.pk, a1.pk]
    expected_tree = {
        "id": idea.pk,
        "title": idea.title,
        "stage": "gathering_support",
        "support_count": 0,
        "remixes": [
            {
                "id": a.pk,
                "title": "A",
                "stage": "gathering_support",
                "support_count": 0,
                "remixes": [
                    {
                        "id": a1.pk,
                        "title": "A1",
                        "stage": "gathering_support",
                        "support_count": 0,
                        "remixes": [
                            {
                                "id": a1x.pk,
                                "title": "A1x",
                                "stage": "gathering_support",
                                "support_count": 0,
                                "remixes": [],
                            }
                        ],
                    }
                ],
            },
            {
                "id": b.pk,
                "title": "B",
                "stage": "gathering_support",
                "support_count": 0,
                "remixes": [],
            },
        ],
    }
    assert lineage["tree"] == expected_tree
    assert from_root == {"ancestors": [], "tree": expected_tree}


def test_idea_page_shows_parent_and_remixes_and_the_lineage_page_the_tree(idea, member):
    child = remix(member, idea, "Refillable jars")
    grandchild = remix(member, child, "Refillable tins")

    parent_page = client_for(None).get(f"/ideas/{idea.pk}/").content.decode()
    child_page = client_for(None).get(f"/ideas/{child.pk}/").content.decode()
    tree_page = client_for(None).get(f"/ideas/{grandchild.pk}/lineage/")

    assert "Refillable jars" in parent_page
    assert f'href="/ideas/{idea.pk}/"' in child_page and "Remix of" in child_page
    assert tree_page.status_code == 200
    html = tree_page.content.decode()
    assert all(t in html for t in ("Refillable bottles", "Refillable jars", "Refillable tins"))


def test_remixing_an_idea_in_a_draft_challenge_is_invalid(community, owner, member, api_client):
    draft = make_challenge(owner, community, publish=False, title="Hidden")
    hidden = Idea.objects.create(challenge=draft, author=owner, title="Secret", body="Shh")
    open_challenge = make_challenge(owner, community, title="Open")
    client = api_client(member)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.submit_idea(member, open_challenge, title="Copy", body="Copied", parent=hidden)
    response = post_json(
        client,
        f"{API}/challenges/{open_challenge.pk}/ideas",
        {"title": "Copy", "body": "Copied", "parent": hidden.pk},
    )

    assert "parent" in exc.value.fields
    assert_error(response, 422, "invalid", "parent")
    assert db_state() == before


def test_remixing_an_idea_of_a_private_community_is_invalid(challenge, member, api_client):
    private = CommunityFactory(visibility="private")
    insider = UserFactory()
    add_member(private, insider, "owner")
    private_challenge = make_challenge(insider, private)
    secret = actions.submit_idea(insider, private_challenge, title="Secret", body="Shh")
    client = api_client(member)
    before = db_state()

    response = post_json(
        client,
        f"{API}/challenges/{challenge.pk}/ideas",
        {"title": "Copy", "body": "Copied", "parent": secret.pk},
    )
    missing = post_json(
        client,
        f"{API}/challenges/{challenge.pk}/ideas",
        {"title": "Copy", "body": "Copied", "parent": 987654},
    )

    assert_error(response, 422, "invalid", "parent")
    assert_error(missing, 422, "invalid", "parent")
    assert db_state() == before


def test_remix_page_prefills_from_the_parent(idea, member):
    client = client_for(member)

    form = client.get(f"/challenges/{idea.challenge_id}/ideas/new/?remix={idea.pk}")
    response = client.post(
        f"/challenges/{idea.challenge_id}/ideas/new/",
        {"title": "Remix: jars", "body": "Jars.", "language": "en", "parent": idea.pk},
    )

    assert form.status_code == 200
    assert "Remix: Refillable bottles" in form.content.decode()
    assert response.status_code == 302
    assert Idea.objects.get(title="Remix: jars").parent_id == idea.pk
