"""The charter is versioned: every edit is the next numbered version with author
and time, nothing is overwritten, and each version shows its diff."""

from __future__ import annotations

import pytest

from cocreate.communities import actions
from cocreate.communities.models import CharterVersion
from cocreate.core.errors import Forbidden, Invalid
from cocreate.core.models import Event
from tests.communities.helpers import API, assert_error, db_state, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def charter(community) -> list[tuple[int, str]]:
    return list(
        CharterVersion.objects.filter(community=community)
        .order_by("number")
        .values_list("number", "mission")
    )


@pytest.mark.parametrize("who", ["owner", "staff", "site_staff"])
def test_each_edit_is_a_new_numbered_version_with_author_and_time(request, community, who):
    editor = request.getfixturevalue(who)

    version = actions.edit_charter(
        editor, community, mission="Make better things.", values="Care", summary="Sharper"
    )

    assert version.number == 2
    assert version.author == editor
    assert version.created_at is not None
    assert version.summary == "Sharper"
    assert charter(community) == [(1, "Make good things."), (2, "Make better things.")]
    assert community.current_charter() == version
    event = Event.objects.get(kind="charter.edited")
    assert (event.actor, event.community, event.data["number"]) == (editor, community, 2)
    assert event.target_id == version.pk


def test_versions_keep_counting_and_old_versions_are_never_changed(community, owner, staff):
    first = CharterVersion.objects.get(community=community, number=1)
    actions.edit_charter(owner, community, mission="Second")
    actions.edit_charter(staff, community, mission="Second", rules="A new rule")
    actions.edit_charter(owner, community, mission="Fourth")

    assert charter(community) == [
        (1, "Make good things."),
        (2, "Second"),
        (3, "Second"),
        (4, "Fourth"),
    ]
    first_again = CharterVersion.objects.get(pk=first.pk)
    assert (first_again.mission, first_again.created_at) == (first.mission, first.created_at)
    authors = CharterVersion.objects.filter(community=community, number__gt=1).order_by("number")
    assert [v.author for v in authors] == [owner, staff, owner]


def test_nothing_changed_is_rejected_and_no_version_is_added(community, owner, api_client):
    actions.edit_charter(owner, community, mission="Same", values="V", rules="R")
    client = api_client(owner)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        # Only the summary differs, and surrounding whitespace does not count.
        actions.edit_charter(
            owner, community, mission="  Same ", values="V", rules="R\n", summary="x"
        )
    response = post_json(
        client,
        f"{API}/communities/{community.slug}/charter",
        {"mission": "Same", "values": "V", "rules": "R"},
    )

    assert "mission" in exc.value.fields
    assert_error(response, 422, "invalid", field="mission")
    assert db_state() == before


def test_empty_mission_is_rejected(community, owner):
    before = db_state()
    with pytest.raises(Invalid) as exc:
        actions.edit_charter(owner, community, mission="   ")
    assert "mission" in exc.value.fields
    assert db_state() == before


@pytest.mark.parametrize("who", ["moderator", "member", "outsider"])
def test_others_cannot_edit_the_charter_and_no_version_is_added(
    request, community, who, api_client
):
    person = request.getfixturevalue(who)
    client = api_client(person)
    page = client_for(person)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.edit_charter(person, community, mission="Taken over")
    response = post_json(
        client, f"{API}/communities/{community.slug}/charter", {"mission": "Taken over"}
    )
    get_form = page.get(f"/c/{community.slug}/charter/edit/")
    post_form = page.post(f"/c/{community.slug}/charter/edit/", {"mission": "Taken over"})

    assert_error(response, 403, "forbidden")
    assert get_form.status_code == 403
    assert post_form.status_code == 403
    assert db_state() == before


def test_outsider_editing_a_private_charter_gets_404_and_nothing_changes(
    community, owner, outsider, api_client
):
    community.visibility = "private"
    community.save()
    client = api_client(outsider)
    before = db_state()

    response = post_json(
        client, f"{API}/communities/{community.slug}/charter", {"mission": "Taken over"}
    )
    page = client_for(outsider).post(f"/c/{community.slug}/charter/edit/", {"mission": "X"})

    assert_error(response, 404, "not_found")
    assert page.status_code == 404
    assert db_state() == before


def test_anonymous_cannot_edit_the_charter(community, owner):
    before = db_state()
    response = post_json(
        client_for(None), f"{API}/communities/{community.slug}/charter", {"mission": "X"}
    )
    page = client_for(None).post(f"/c/{community.slug}/charter/edit/", {"mission": "X"})

    assert_error(response, 401, "unauthenticated")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert db_state() == before


def test_edit_page_publishes_a_version_and_redirects_to_it(community, owner):
    client = client_for(owner)
    form = client.get(f"/c/{community.slug}/charter/edit/")
    assert form.status_code == 200
    assert "Make good things." in form.content.decode()  # prefilled with the current text

    response = client.post(
        f"/c/{community.slug}/charter/edit/",
        {"mission": "Make great things.", "values": "", "rules": "", "summary": "Bolder"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/c/{community.slug}/charter/2/"
    assert charter(community)[-1] == (2, "Make great things.")


def test_edit_page_with_nothing_changed_shows_the_error(community, owner):
    before = db_state()
    response = client_for(owner).post(
        f"/c/{community.slug}/charter/edit/", {"mission": "Make good things."}
    )

    assert response.status_code == 422
    assert "Nothing changed." in response.content.decode()
    assert db_state() == before


def test_history_page_lists_every_version_with_author_and_summary(community, owner, staff):
    actions.edit_charter(owner, community, mission="Second", summary="Owner's tweak")
    actions.edit_charter(staff, community, mission="Third", summary="Staff's tweak")

    response = client_for(None).get(f"/c/{community.slug}/charter/")

    assert response.status_code == 200
    html = response.content.decode()
    for n in (1, 2, 3):
        assert f'href="/c/{community.slug}/charter/{n}/"' in html
    assert html.index("Version 3") < html.index("Version 2") < html.index("Version 1")
    assert "Olga Owner" in html and "Sam Staff" in html
    assert "Owner&#x27;s tweak" in html and "Staff&#x27;s tweak" in html


def test_version_page_shows_added_and_removed_lines_against_the_previous_version(community, owner):
    actions.edit_charter(
        owner, community, mission="Make good things.", rules="Be kind\nNo spam\nShare credit"
    )
    actions.edit_charter(
        owner, community, mission="Make good things.", rules="Be kind\nShare credit\nAsk first"
    )

    response = client_for(None).get(f"/c/{community.slug}/charter/3/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Changes since version 2" in html
    assert '<div class="diff-del">' in html and "No spam</div>" in html
    assert '<div class="diff-add">' in html and "Ask first</div>" in html
    del_line = html[html.index('<div class="diff-del">') :].split("</div>")[0]
    add_line = html[html.index('<div class="diff-add">') :].split("</div>")[0]
    assert "No spam" in del_line and "Ask first" in add_line
    # The mission did not change between v2 and v3: no mission diff is shown.
    diff_section = html[html.index('id="diff-h"') : html.index('id="text-h"')]
    assert "<h3>Mission</h3>" not in diff_section
    assert "<h3>Open rules</h3>" in diff_section


def test_first_version_page_shows_everything_as_added(community):
    response = client_for(None).get(f"/c/{community.slug}/charter/1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "First version" in html
    assert '<div class="diff-add">' in html and "Make good things." in html
    assert '<div class="diff-del">' not in html


def test_unknown_version_page_is_404(community):
    assert client_for(None).get(f"/c/{community.slug}/charter/9/").status_code == 404


def test_api_lists_versions_newest_first_with_related(community, owner, api_client):
    actions.edit_charter(owner, community, mission="Second", summary="tweak")

    response = client_for(None).get(f"{API}/communities/{community.slug}/charter")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [v["number"] for v in body["items"]] == [2, 1]
    newest = body["items"][0]
    assert newest["author"] == {
        "id": owner.pk,
        "display_name": "Olga Owner",
        "handle": "olga_owner",
    }
    assert newest["summary"] == "tweak"
    assert newest["created_at"]
    assert newest["html"]["mission"] == "<p>Second</p>\n"


def test_api_version_has_a_diff_against_the_previous_version(community, owner):
    actions.edit_charter(owner, community, mission="Make good things.\nTogether.", rules="R1")
    actions.edit_charter(owner, community, mission="Make great things.\nTogether.", rules="R1")

    body = client_for(None).get(f"{API}/communities/{community.slug}/charter/3").json()

    assert body["number"] == 3
    sections = {s["field"]: s for s in body["diff"]}
    assert set(sections) == {"mission", "values", "rules"}
    assert sections["rules"]["changed"] is False and sections["rules"]["lines"] == []
    assert sections["values"]["changed"] is False
    mission = sections["mission"]
    assert mission["changed"] is True
    assert {"kind": "del", "text": "Make good things."} in mission["lines"]
    assert {"kind": "add", "text": "Make great things."} in mission["lines"]
    assert {"kind": "ctx", "text": "Together."} in mission["lines"]


def test_api_first_version_diff_is_all_additions(community):
    body = client_for(None).get(f"{API}/communities/{community.slug}/charter/1").json()
    mission = next(s for s in body["diff"] if s["field"] == "mission")
    assert mission["changed"] is True
    assert [line["kind"] for line in mission["lines"] if line["kind"] != "head"] == ["add"]


def test_api_unknown_version_is_a_404_error(community):
    response = client_for(None).get(f"{API}/communities/{community.slug}/charter/9")
    assert_error(response, 404, "not_found")


def test_api_version_number_out_of_range_is_a_422_error(community):
    response = client_for(None).get(f"{API}/communities/{community.slug}/charter/0")
    assert_error(response, 422, "invalid")


def test_api_staff_publishes_a_version(community, staff, api_client):
    response = post_json(
        api_client(staff),
        f"{API}/communities/{community.slug}/charter",
        {"mission": "New mission", "summary": "Why"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 2
    assert body["author"]["id"] == staff.pk
    assert charter(community)[-1] == (2, "New mission")
