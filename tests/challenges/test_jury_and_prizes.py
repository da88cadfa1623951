"""The jury (named members with roles) and the prizes of a challenge."""

from __future__ import annotations

import pytest

from cocreate.challenges import actions
from cocreate.challenges.models import JuryMember, Prize
from cocreate.core.errors import Forbidden, Invalid
from tests.challenges.helpers import API, assert_error, db_state, post_json
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_staff_name_the_jury_and_it_is_public(challenge, owner, staff, member, api_client):
    actions.set_jury(
        owner,
        challenge,
        [
            {"user_id": staff.pk, "role": "Head of design"},
            {"user_id": member.pk, "role": "Community voice"},
            {"user_id": staff.pk, "role": "Listed twice"},
        ],
    )

    assert list(JuryMember.objects.filter(challenge=challenge).values_list("user_id", "role")) == [
        (staff.pk, "Head of design"),
        (member.pk, "Community voice"),
    ]
    body = api_client(None).get(f"{API}/challenges/{challenge.pk}").json()
    assert [(j["user"]["id"], j["role"]) for j in body["jury"]] == [
        (staff.pk, "Head of design"),
        (member.pk, "Community voice"),
    ]
    html = client_for(None).get(f"/challenges/{challenge.pk}/").content.decode()
    assert "Head of design" in html and staff.display_name in html


@pytest.mark.parametrize(
    ("who", "role", "field"),
    [("outsider", "Judge", "jury.0.user_id"), ("staff", "   ", "jury.0.role")],
)
def test_jurors_are_members_with_a_role(request, challenge, owner, who, role, field):
    person = request.getfixturevalue(who)
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.set_jury(owner, challenge, [{"user_id": person.pk, "role": role}])

    assert field in exc.value.fields
    assert db_state() == before


def test_prizes_keep_their_order_and_points(challenge, owner, api_client):
    actions.set_prizes(
        owner,
        challenge,
        [
            {"title": "Your design produced", "points": 500},
            {"title": "A year of coffee", "description": "One cup a day", "points": None},
        ],
    )

    assert list(Prize.objects.filter(challenge=challenge).values_list("title", "points")) == [
        ("Your design produced", 500),
        ("A year of coffee", None),
    ]
    prizes = api_client(None).get(f"{API}/challenges/{challenge.pk}").json()["prizes"]
    assert prizes == [
        {"title": "Your design produced", "description": "", "points": 500},
        {"title": "A year of coffee", "description": "One cup a day", "points": None},
    ]


@pytest.mark.parametrize(
    ("prize", "field"),
    [
        ({"title": ""}, "prizes.0.title"),
        ({"title": "Cash", "points": -1}, "prizes.0.points"),
        ({"title": "Cash", "points": "lots"}, "prizes.0.points"),
    ],
)
def test_bad_prizes_are_invalid_and_keep_the_old_ones(challenge, owner, prize, field):
    actions.set_prizes(owner, challenge, [{"title": "Kept", "points": 1}])
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.set_prizes(owner, challenge, [prize])

    assert field in exc.value.fields
    assert db_state() == before


def test_api_sets_jury_and_prizes_for_staff(challenge, staff, member, api_client):
    client = api_client(staff)

    jury = post_json(
        client,
        f"{API}/challenges/{challenge.pk}/jury",
        [{"user_id": member.pk, "role": "Tester"}],
        "put",
    )
    prizes = post_json(
        client, f"{API}/challenges/{challenge.pk}/prizes", [{"title": "Trip", "points": 9}], "put"
    )

    assert jury.status_code == 200 and prizes.status_code == 200
    assert prizes.json()["prizes"][0]["title"] == "Trip"
    assert jury.json()["jury"][0]["role"] == "Tester"


def test_members_cannot_set_jury_or_prizes(challenge, member, api_client):
    client = api_client(member)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.set_jury(member, challenge, [{"user_id": member.pk, "role": "Me"}])
    with pytest.raises(Forbidden):
        actions.set_prizes(member, challenge, [{"title": "For me"}])
    jury = post_json(
        client,
        f"{API}/challenges/{challenge.pk}/jury",
        [{"user_id": member.pk, "role": "M"}],
        "put",
    )
    prizes = post_json(client, f"{API}/challenges/{challenge.pk}/prizes", [{"title": "X"}], "put")

    assert_error(jury, 403, "forbidden")
    assert_error(prizes, 403, "forbidden")
    assert db_state() == before


def test_edit_page_sets_jury_prizes_and_windows(challenge, owner, member):
    response = client_for(owner).post(
        f"/challenges/{challenge.pk}/edit/",
        {
            "section": "lists",
            "jury": f"{member.email}, Tester",
            "prizes": "Your design produced, 500\nA mug",
            "review_windows": "2031-01-31, 2031-02-15",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(challenge.jury.values_list("user_id", "role")) == [(member.pk, "Tester")]
    assert list(challenge.prizes.values_list("title", "points")) == [
        ("Your design produced", 500),
        ("A mug", None),
    ]
    window = challenge.review_windows.get()
    assert (window.cutoff_at.date().isoformat(), window.review_at.date().isoformat()) == (
        "2031-01-31",
        "2031-02-15",
    )
