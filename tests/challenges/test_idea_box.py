"""Every community has an idea box: a published challenge that is always in its
submission phase, whatever the date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cocreate.challenges import actions
from cocreate.challenges.models import Challenge
from cocreate.communities import actions as community_actions
from cocreate.core.errors import Invalid
from cocreate.core.permissions import can
from cocreate.ideas import actions as idea_actions
from tests.challenges.helpers import API, db_state
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_new_community_comes_with_its_idea_box(site_staff):
    community = community_actions.create_community(site_staff, name="Tea lovers", slug="tea")

    box = Challenge.objects.get(community=community, is_idea_box=True)
    assert box.is_published
    assert box.current_phase() == "submission"


def test_the_idea_box_is_created_once(community):
    first = actions.idea_box(community)
    second = actions.idea_box(community)

    assert first.pk == second.pk
    assert Challenge.objects.filter(community=community, is_idea_box=True).count() == 1


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1999, 1, 1, tzinfo=UTC),
        datetime(2030, 6, 1, tzinfo=UTC),
        datetime(2099, 12, 31, tzinfo=UTC),
    ],
)
def test_the_idea_box_is_always_open(community, moment):
    box = actions.idea_box(community)

    assert box.current_phase(moment) == "submission"
    assert box.allows("submit", moment)
    assert box.allows("support", moment)


def test_members_submit_to_the_idea_box_at_any_time(community, member, clock):
    clock.now = datetime(2077, 7, 7, tzinfo=UTC)
    box = actions.idea_box(community)

    assert can(member, "idea.submit", box)
    idea = idea_actions.submit_idea(member, box, title="A tea club", body="Monthly tastings.")

    assert idea.challenge == box


def test_the_idea_box_has_no_phases_to_set(community, owner):
    box = actions.idea_box(community)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.set_phases(owner, box, [{"kind": "submission", "starts_at": "2030-01-01T00:00"}])

    assert "phases" in exc.value.fields
    assert db_state() == before


def test_the_idea_box_is_listed_first_and_shown_as_always_open(
    community, owner, challenge, api_client
):
    box = actions.idea_box(community)

    listed = api_client(None).get(f"{API}/communities/{community.slug}/challenges").json()["items"]
    html = client_for(None).get(f"/challenges/{box.pk}/").content.decode()

    assert listed[0]["id"] == box.pk
    assert listed[0]["is_idea_box"] is True
    assert listed[0]["current_phase"] == "submission"
    assert "Always open" in html
