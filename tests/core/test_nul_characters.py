"""NUL characters are refused as bad input everywhere (PostgreSQL cannot store
them), before any action runs: 422 naming the field on the API, 400 on pages."""

import json

import pytest

from cocreate.core.errors import Invalid
from cocreate.core.models import Event
from cocreate.core.validation import clean_text
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_api_names_the_field_even_when_nested(community, owner, api_client):
    client = api_client(owner)
    events = Event.objects.count()
    response = client.patch(
        f"/api/v1/communities/{community.slug}",
        json.dumps({"description": "a\x00b"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "description": [response.json()["error"]["message"]]
    }
    community.refresh_from_db()
    assert "\x00" not in community.description
    assert Event.objects.count() == events


def test_a_query_string_with_nul_is_refused(community):
    response = client_for(None).get("/api/v1/communities", {"q": "a\x00"})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["q"]


def test_a_page_form_with_nul_is_a_400_and_changes_nothing(community, owner):
    before = community.description
    response = client_for(owner).post(
        f"/c/{community.slug}/edit/", {"name": community.name, "description": "x\x00y"}
    )
    assert response.status_code == 400
    community.refresh_from_db()
    assert community.description == before


def test_text_with_a_literal_backslash_u0000_is_fine(community, owner, api_client):
    response = api_client(owner).patch(
        f"/api/v1/communities/{community.slug}",
        json.dumps({"description": "JSON writes NUL as \\u0000"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    community.refresh_from_db()
    assert community.description == "JSON writes NUL as \\u0000"


def test_actions_refuse_it_too():
    with pytest.raises(Invalid) as refused:
        clean_text("a\x00", "title", max_length=10)
    assert list(refused.value.fields) == ["title"]
