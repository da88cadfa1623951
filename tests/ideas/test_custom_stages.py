"""Communities add their own pipeline stages; the flow, the stage change rules, the
pages and the API all use them."""

import pytest

from cocreate.challenges.actions import idea_box
from cocreate.core.errors import Conflict, Forbidden, Invalid
from cocreate.ideas import actions
from cocreate.ideas.models import CustomStage, Idea, StageChange, stage_flow
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def define(owner, community, **extra):
    values = {
        "key": "prototype_testing",
        "name": "Prototype testing",
        "colour": "amber",
        "follows": ["accepted"],
        "leads_to": ["in_progress", "archived"],
        **extra,
    }
    return actions.define_stage(owner, community, **values)


def test_a_custom_stage_joins_the_flow(owner, community):
    define(owner, community)
    flow = stage_flow(community)
    assert "prototype_testing" in flow["accepted"]
    assert flow["prototype_testing"] == {"in_progress", "archived"}


def test_ideas_move_through_a_custom_stage(owner, member, community):
    define(owner, community)
    idea = actions.submit_idea(member, idea_box(community), title="Lock", body="Fold")
    for stage in ("under_review", "accepted", "prototype_testing", "in_progress"):
        actions.change_stage(owner, idea, stage=stage, reason=f"to {stage}")
    assert Idea.objects.get(pk=idea.pk).stage == "in_progress"
    page = client_for(member).get(f"/ideas/{idea.pk}/").content.decode()
    assert "Prototype testing" in page and "stage-colour-amber" in page
    with pytest.raises(Invalid):  # not a stage that may follow in_progress
        actions.change_stage(owner, idea, stage="prototype_testing")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"key": "Bad Key"}, "key"),
        ({"key": "accepted"}, "key"),
        ({"colour": "pink"}, "colour"),
        ({"follows": ["nowhere"]}, "follows"),
        ({"follows": []}, "follows"),
        ({"leads_to": ["prototype_testing"]}, "leads_to"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_definitions_name_the_field_and_change_nothing(owner, community, extra, field):
    with pytest.raises(Invalid) as exc:
        define(owner, community, **extra)
    assert field in exc.value.fields
    assert not CustomStage.objects.exists()


def test_only_managers_define_or_remove_stages(member, owner, community):
    with pytest.raises(Forbidden):
        define(member, community)
    define(owner, community)
    with pytest.raises(Forbidden):
        actions.remove_stage(member, community, "prototype_testing")
    assert CustomStage.objects.count() == 1


def test_a_stage_in_use_cannot_be_removed(owner, member, community):
    define(owner, community)
    idea = actions.submit_idea(member, idea_box(community), title="Lock", body="Fold")
    for stage in ("under_review", "accepted", "prototype_testing"):
        actions.change_stage(owner, idea, stage=stage)
    with pytest.raises(Conflict):
        actions.remove_stage(owner, community, "prototype_testing")
    actions.change_stage(owner, idea, stage="in_progress")
    actions.remove_stage(owner, community, "prototype_testing")
    assert not CustomStage.objects.exists()
    assert StageChange.objects.filter(to_stage="prototype_testing").exists()  # history stays


def test_api_lists_defines_and_removes_stages(owner, community, api_client):
    client = api_client(owner)
    url = f"/api/v1/communities/{community.slug}/stages"
    body = {
        "key": "pilot",
        "name": "Pilot",
        "colour": "blue",
        "follows": ["accepted"],
        "leads_to": ["delivered"],
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert "pilot" in response.json()["flow"]["accepted"]
    assert client_for(None).get(url).json()["stages"]["pilot"] == "Pilot"
    assert client.delete(f"{url}/pilot").status_code == 200
    assert "pilot" not in client.get(url).json()["stages"]


def test_the_stages_page_adds_a_stage(owner, community):
    response = client_for(owner).post(
        f"/c/{community.slug}/stages/",
        {
            "key": "pilot",
            "name": "Pilot",
            "colour": "green",
            "follows": ["accepted"],
            "leads_to": ["delivered"],
        },
    )
    assert response.status_code == 302
    assert CustomStage.objects.filter(community=community, key="pilot").exists()
