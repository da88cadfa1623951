"""Staff merge a duplicate into another idea: supports move over without double
counting, the duplicate keeps its page, everyone is told, and it can be undone."""

import pytest

from cocreate.challenges.actions import idea_box
from cocreate.core.errors import Conflict, Forbidden, Invalid
from cocreate.core.models import Event
from cocreate.ideas import actions
from cocreate.ideas.models import Idea, Merge, Stage, StageChange, Support
from tests.conftest import client_for
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(community):
    made = {name: UserFactory(display_name=name) for name in ("a", "b", "u1", "u2", "u3")}
    for person in made.values():
        add_member(community, person)
    return made


@pytest.fixture
def pair(community, people):
    box = idea_box(community)
    target = actions.submit_idea(people["a"], box, title="Longer mudguards", body="Keep dry.")
    source = actions.submit_idea(people["b"], box, title="Mudguards, longer", body="Dry legs.")
    for name in ("u1", "u2"):
        actions.support(people[name], target)
    for name in ("u2", "u3", "a"):  # u2 backs both; a is the target's author
        actions.support(people[name], source)
    target.refresh_from_db()
    source.refresh_from_db()
    return source, target


def counts_are_exact():
    for idea in Idea.objects.all():
        assert idea.support_count == Support.objects.filter(idea=idea).count(), idea


def test_merge_moves_each_supporter_once(pair, owner, people):
    source, target = pair
    merge = actions.merge_ideas(owner, source, target, reason="Same idea.")
    target.refresh_from_db()
    source.refresh_from_db()
    backers = set(Support.objects.filter(idea=target).values_list("user_id", flat=True))
    assert backers == {people["u1"].pk, people["u2"].pk, people["u3"].pk}
    assert target.support_count == 3
    assert merge.moved_user_ids == [people["u3"].pk]
    assert source.stage == Stage.MERGED
    assert StageChange.objects.filter(idea=source, to_stage="merged", reason="Same idea.").exists()
    assert Event.objects.filter(kind="idea.merged", target_id=target.pk).exists()
    counts_are_exact()


def test_undo_restores_both_ideas(pair, owner, people):
    source, target = pair
    before_stage = source.stage
    merge = actions.merge_ideas(owner, source, target)
    actions.undo_merge(owner, merge)
    target.refresh_from_db()
    source.refresh_from_db()
    assert target.support_count == 2
    assert set(Support.objects.filter(idea=target).values_list("user_id", flat=True)) == {
        people["u1"].pk,
        people["u2"].pk,
    }
    assert source.stage == before_stage
    assert source.support_count == 3  # the duplicate's own supports never left
    with pytest.raises(Conflict):
        actions.undo_merge(owner, merge)
    counts_are_exact()


def test_undo_after_a_moved_supporter_withdrew_keeps_counts_exact(pair, owner, people):
    source, target = pair
    merge = actions.merge_ideas(owner, source, target)
    actions.withdraw_support(people["u3"], target)
    actions.undo_merge(owner, merge)
    target.refresh_from_db()
    assert target.support_count == 2
    counts_are_exact()


def test_members_cannot_merge_and_nothing_changes(pair, member):
    source, target = pair
    with pytest.raises(Forbidden):
        actions.merge_ideas(member, source, target)
    assert not Merge.objects.exists()
    source.refresh_from_db()
    assert source.stage != Stage.MERGED
    counts_are_exact()


def test_merging_into_itself_or_twice_is_refused(pair, owner):
    source, target = pair
    with pytest.raises(Invalid):
        actions.merge_ideas(owner, source, source)
    actions.merge_ideas(owner, source, target)
    source.refresh_from_db()
    with pytest.raises(Conflict):
        actions.merge_ideas(owner, source, target)
    assert Merge.objects.count() == 1


def test_merge_and_undo_through_the_api_and_the_page(pair, owner, api_client):
    source, target = pair
    client = api_client(owner)
    response = client.post(
        f"/api/v1/ideas/{source.pk}/merge",
        {"into": target.pk, "reason": "dup"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source"], body["target"], body["moved_supports"]) == (source.pk, target.pk, 1)
    page = client_for(owner).get(f"/ideas/{target.pk}/").content.decode()
    assert "Merged into this idea" in page and source.title in page
    response = client.post(f"/api/v1/merges/{body['id']}/undo")
    assert response.status_code == 200
    assert response.json()["undone_at"] is not None
    counts_are_exact()
