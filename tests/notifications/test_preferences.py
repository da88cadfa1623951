"""Notification settings on the page and through the API: defaults, a valid save,
and invalid values (time zone, time, mode, weekday, kind) refused with 422 naming
the field, changing nothing."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.urls import reverse

from cocreate.core.errors import Invalid
from cocreate.core.models import Event
from cocreate.notifications import actions
from cocreate.notifications.models import Preference
from tests.conftest import client_for
from tests.notifications.helpers import API, assert_error, post_json, snapshot

pytestmark = pytest.mark.django_db

SETTINGS = f"{API}/me/notification-settings"
VALID = {
    "email_mode": "weekly",
    "digest_time": "07:15",
    "digest_weekday": 4,
    "timezone": "America/New_York",
    "muted_kinds": ["comment", "milestone"],
}


def stored(user) -> tuple:
    row = Preference.objects.get(user=user)
    return (row.email_mode, row.digest_time, row.digest_weekday, row.timezone, row.muted_kinds)


def test_defaults_without_a_row(member, api_client):
    response = api_client(member).get(SETTINGS)
    assert response.status_code == 200
    assert response.json() == {
        "email_mode": "daily",
        "digest_time": "06:30",
        "digest_weekday": 0,
        "timezone": "UTC",
        "muted_kinds": [],
    }
    assert not Preference.objects.filter(user=member).exists()  # reading creates nothing


def test_a_valid_save_through_the_api(member, api_client):
    api = api_client(member)
    response = post_json(api, SETTINGS, VALID, "put")
    assert response.status_code == 200, response.content
    assert stored(member) == (
        "weekly",
        time(7, 15),
        4,
        "America/New_York",
        ["comment", "milestone"],
    )
    assert api.get(SETTINGS).json() == VALID
    assert Event.objects.filter(kind="notifications.preferences_set", actor=member).count() == 1


def test_the_api_needs_sign_in(api_client):
    assert_error(api_client(None).get(SETTINGS), 401, "unauthenticated")
    assert_error(post_json(api_client(None), SETTINGS, VALID, "put"), 401, "unauthenticated")
    assert not Preference.objects.exists()


BAD = [
    ("timezone", "Mars/Olympus"),
    ("timezone", ""),
    ("digest_time", "25:00"),
    ("digest_time", "half past six"),
    ("email_mode", "hourly"),
    ("digest_weekday", 7),
    ("digest_weekday", -1),
    ("muted_kinds", ["comment", "nope"]),
    ("muted_kinds", "comment"),
]


@pytest.mark.parametrize(("field", "value"), BAD)
def test_invalid_api_values_are_422_naming_the_field_and_change_nothing(
    member, api_client, field, value
):
    api = api_client(member)
    post_json(api, SETTINGS, VALID, "put")
    before = snapshot()

    response = post_json(api, SETTINGS, {**VALID, field: value}, "put")

    assert response.status_code == 422, response.content
    fields = response.json()["error"].get("fields") or {}
    assert any(name == field or name.startswith(f"{field}.") for name in fields), fields
    assert snapshot() == before


@pytest.mark.parametrize(("field", "value"), BAD[:1] + BAD[4:5] + BAD[5:6] + BAD[7:8])
def test_the_action_refuses_the_same_values(member, field, value):

    before = snapshot()
    with pytest.raises(Invalid) as caught:
        actions.set_preferences(member, **{field: value})
    assert field in caught.value.fields
    assert snapshot() == before


# --- the page -------------------------------------------------------------------------------


PAGE_VALID = {
    "email_mode": "each",
    "digest_time": "21:45",
    "digest_weekday": "6",
    "timezone": "Asia/Shanghai",
    "muted_kinds": ["reply", "challenge_published"],
}


def test_the_page_shows_the_current_settings(member):
    actions.set_preferences(member, email_mode="weekly", timezone="Europe/Berlin")
    page = client_for(member).get(reverse("notifications:settings"))
    assert page.status_code == 200
    html = page.content.decode()
    [checked] = re.findall(r'<input type="radio" name="email_mode" value="(\w+)"[^>]*checked', html)
    assert checked == "weekly"
    assert '<option value="Europe/Berlin" selected>' in html
    assert 'value="06:30"' in html


def test_a_valid_save_on_the_page(member):
    response = client_for(member).post(reverse("notifications:settings"), PAGE_VALID)
    assert response.status_code == 302 and response["Location"] == reverse("notifications:settings")
    assert stored(member) == (
        "each",
        time(21, 45),
        6,
        "Asia/Shanghai",
        ["reply", "challenge_published"],
    )


def test_the_page_needs_sign_in():
    response = client_for(None).post(reverse("notifications:settings"), PAGE_VALID)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Preference.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Mars/Olympus"),
        ("digest_time", "25:00"),
        ("email_mode", "hourly"),
        ("digest_weekday", "7"),
        ("muted_kinds", ["nope"]),
    ],
)
def test_invalid_page_values_are_422_on_the_field_and_change_nothing(member, field, value):
    client = client_for(member)
    client.post(reverse("notifications:settings"), PAGE_VALID)
    before = snapshot()

    response = client.post(reverse("notifications:settings"), {**PAGE_VALID, field: value})

    assert response.status_code == 422
    form = response.context["form"]
    assert list(form.errors) == [field], form.errors
    assert 'class="field-error"' in response.content.decode()
    assert snapshot() == before
