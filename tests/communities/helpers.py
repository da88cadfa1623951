"""Helpers shared by the community tests: the member-count invariant, a snapshot of
everything the community actions can change (for "denied changes nothing"), and
small JSON/API helpers."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Count
from django.test import Client

from cocreate.communities.models import (
    Application,
    CharterVersion,
    Community,
    Invitation,
    Membership,
)
from cocreate.core.models import Event

API = "/api/v1"


def assert_member_counts_exact() -> None:
    """Every community's (and circle's) stored member_count equals its real number
    of Membership rows."""
    wrong = {
        c.slug: (c.member_count, c.real)
        for c in Community.objects.annotate(real=Count("memberships"))
        if c.member_count != c.real
    }
    assert not wrong, f"member_count differs from Membership rows (stored, real): {wrong}"


def db_state() -> dict[str, Any]:
    """Everything a community action may write, in a comparable form."""
    return {
        "communities": sorted(
            Community.objects.values_list(
                "pk",
                "slug",
                "name",
                "member_count",
                "seat_limit",
                "visibility",
                "join_policy",
                "circle_status",
                "parent_id",
            )
        ),
        "memberships": sorted(Membership.objects.values_list("community_id", "user_id", "role")),
        "applications": sorted(
            Application.objects.values_list("pk", "status", "message", "decided_by_id")
        ),
        "invitations": sorted(
            Invitation.objects.values_list("pk", "use_count", "max_uses", "revoked_at")
        ),
        "charters": sorted(CharterVersion.objects.values_list("community_id", "number")),
        "events": sorted(Event.objects.values_list("pk", "kind")),
    }


def post_json(client: Client, url: str, data: Any = None, method: str = "post") -> Any:
    return getattr(client, method)(
        url, data=json.dumps(data if data is not None else {}), content_type="application/json"
    )


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict:
    """The documented error shape: {"error": {"code", "message", "fields"?}}."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["code"] == code, body
    assert isinstance(error["message"], str) and error["message"], body
    assert set(error) <= {"code", "message", "fields"}, body
    if field is not None:
        assert field in (error.get("fields") or {}), body
        assert all(isinstance(m, str) and m for m in error["fields"][field]), body
    return error
