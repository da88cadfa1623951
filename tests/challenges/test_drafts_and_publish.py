"""Drafts are visible to the community's staff only (everyone else gets a 404 on the
page and in the API); publishing needs phases and happens once."""

from __future__ import annotations

import pytest

from cocreate.challenges import actions
from cocreate.challenges.models import ChallengeStatus
from cocreate.core.errors import Conflict, Forbidden, Invalid
from cocreate.core.models import Event
from cocreate.core.permissions import can
from tests.challenges.helpers import API, assert_error, db_state, make_challenge, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(community, owner):
    return make_challenge(owner, community, publish=False, title="Secret plans")


NON_STAFF = ["moderator", "member", "outsider", None]
STAFF = ["owner", "staff", "site_staff"]


def who(request, role):
    return request.getfixturevalue(role) if role else None


@pytest.mark.parametrize("role", NON_STAFF)
def test_a_draft_is_not_found_for_non_staff_on_the_page(request, draft, role):
    client = client_for(who(request, role))

    assert client.get(f"/challenges/{draft.pk}/").status_code == 404
    assert client.get(f"/challenges/{draft.pk}/decisions/").status_code == 404
    assert client.get(f"/challenges/{draft.pk}/ideas/new/").status_code in (302, 404)


@pytest.mark.parametrize("role", NON_STAFF)
def test_a_draft_is_not_found_for_non_staff_in_the_api(request, draft, api_client, role):
    client = api_client(who(request, role))

    assert_error(client.get(f"{API}/challenges/{draft.pk}"), 404, "not_found")
    assert_error(client.get(f"{API}/challenges/{draft.pk}/ideas"), 404, "not_found")
    assert_error(client.get(f"{API}/challenges/{draft.pk}/decisions"), 404, "not_found")


@pytest.mark.parametrize("role", NON_STAFF)
def test_a_draft_is_left_out_of_the_lists_for_non_staff(
    request, community, draft, api_client, role
):
    user = who(request, role)

    listed = api_client(user).get(f"{API}/communities/{community.slug}/challenges").json()
    page = client_for(user).get(f"/c/{community.slug}/challenges/")

    assert draft.pk not in [c["id"] for c in listed["items"]]
    assert page.status_code == 200
    assert "Secret plans" not in page.content.decode()
    assert not can(user, "challenge.view", draft)


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_the_draft_everywhere(request, community, draft, api_client, role):
    user = request.getfixturevalue(role)

    page = client_for(user).get(f"/challenges/{draft.pk}/")
    one = api_client(user).get(f"{API}/challenges/{draft.pk}")
    listed = api_client(user).get(f"{API}/communities/{community.slug}/challenges").json()

    assert page.status_code == 200
    assert "Secret plans" in page.content.decode()
    assert one.status_code == 200
    assert one.json()["status"] == "draft"
    assert draft.pk in [c["id"] for c in listed["items"]]


def test_nobody_can_submit_to_a_draft(draft, owner, member):
    before = db_state()

    assert not can(member, "idea.submit", draft)
    assert not can(owner, "idea.submit", draft)
    from cocreate.ideas import actions as idea_actions

    with pytest.raises(Forbidden):
        idea_actions.submit_idea(owner, draft, title="Early", body="Too early")
    assert db_state() == before


def test_publishing_needs_phases(community, owner, api_client):
    draft = actions.create_challenge(owner, community, title="No dates yet")
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.publish_challenge(owner, draft)
    response = api_client(owner).post(f"{API}/challenges/{draft.pk}/publish")

    assert "phases" in exc.value.fields
    assert_error(response, 422, "invalid", "phases")
    assert db_state() == before
    draft.refresh_from_db()
    assert draft.status == ChallengeStatus.DRAFT


def test_publishing_makes_the_challenge_public_and_records_an_event(draft, owner, member):
    actions.publish_challenge(owner, draft)

    draft.refresh_from_db()
    assert draft.status == ChallengeStatus.PUBLISHED
    assert draft.published_at is not None
    assert can(member, "challenge.view", draft)
    assert client_for(member).get(f"/challenges/{draft.pk}/").status_code == 200
    assert Event.objects.filter(kind="challenge.published", target_id=draft.pk).count() == 1


def test_publishing_twice_is_a_conflict_and_changes_nothing(draft, owner, api_client):
    actions.publish_challenge(owner, draft)
    before = db_state()

    with pytest.raises(Conflict):
        actions.publish_challenge(owner, draft)
    response = api_client(owner).post(f"{API}/challenges/{draft.pk}/publish")

    assert_error(response, 409, "conflict")
    assert db_state() == before


def test_api_publish_by_staff(draft, staff, api_client):
    response = api_client(staff).post(f"{API}/challenges/{draft.pk}/publish")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert response.json()["published_at"]


def test_members_cannot_publish_a_draft(draft, member, moderator, api_client):
    before = db_state()

    with pytest.raises(Forbidden):
        actions.publish_challenge(member, draft)
    with pytest.raises(Forbidden):
        actions.publish_challenge(moderator, draft)
    # The draft does not exist for them in the API nor on the pages.
    assert_error(api_client(member).post(f"{API}/challenges/{draft.pk}/publish"), 404, "not_found")
    assert client_for(member).post(f"/challenges/{draft.pk}/publish/").status_code == 404
    assert db_state() == before


def test_publish_page_publishes_for_staff(draft, owner):
    response = client_for(owner).post(f"/challenges/{draft.pk}/publish/")

    assert response.status_code == 302
    assert response["Location"] == f"/challenges/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.is_published


def test_publishing_an_edited_challenge_keeps_its_fields(community, owner, api_client):
    draft = make_challenge(owner, community, publish=False, title="Before")
    response = post_json(
        api_client(owner),
        f"{API}/challenges/{draft.pk}",
        {"title": "After", "response_days": 7},
        method="patch",
    )
    assert response.status_code == 200, response.content

    actions.publish_challenge(owner, draft)

    draft.refresh_from_db()
    assert (draft.title, draft.response_days, draft.status) == ("After", 7, "published")


def test_member_cannot_edit_a_published_challenge(challenge, member, api_client):
    before = db_state()

    response = post_json(
        api_client(member), f"{API}/challenges/{challenge.pk}", {"title": "Mine"}, method="patch"
    )

    assert_error(response, 403, "forbidden")
    assert db_state() == before


@pytest.mark.parametrize("role", NON_STAFF)
def test_ideas_of_a_draft_are_not_found_for_non_staff(request, draft, owner, api_client, role):
    from cocreate.ideas.models import Idea

    hidden = Idea.objects.create(challenge=draft, author=owner, title="Early", body="Shh")
    user = who(request, role)

    assert client_for(user).get(f"/ideas/{hidden.pk}/").status_code == 404
    assert_error(api_client(user).get(f"{API}/ideas/{hidden.pk}"), 404, "not_found")
    assert_error(api_client(user).get(f"{API}/ideas/{hidden.pk}/history"), 404, "not_found")
    assert_error(api_client(user).get(f"{API}/ideas/{hidden.pk}/lineage"), 404, "not_found")


def test_challenges_of_a_private_community_are_not_found_for_outsiders(outsider, api_client):
    from cocreate.communities.models import Role
    from tests.factories import CommunityFactory, UserFactory, add_member

    private = CommunityFactory(visibility="private")
    boss = UserFactory()
    add_member(private, boss, Role.OWNER)
    challenge = make_challenge(boss, private)

    assert client_for(outsider).get(f"/challenges/{challenge.pk}/").status_code == 404
    assert_error(api_client(outsider).get(f"{API}/challenges/{challenge.pk}"), 404, "not_found")
    assert_error(api_client(None).get(f"{API}/challenges/{challenge.pk}/ideas"), 404, "not_found")
