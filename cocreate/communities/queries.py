"""Reads shared by pages and the API, each a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Q, QuerySet, When

from cocreate.communities.models import (
    Application,
    ApplicationStatus,
    CharterVersion,
    CircleStatus,
    Community,
    Membership,
    Visibility,
)
from cocreate.core.diff import line_diff
from cocreate.core.models import Event
from cocreate.core.permissions import is_site_staff


def visible_communities(user: Any) -> QuerySet[Community]:
    """Top-level communities the user may see: public ones, and private ones they
    belong to (site staff see all)."""
    qs = Community.objects.filter(parent__isnull=True)
    if is_site_staff(user):
        return qs
    if user is not None and user.is_authenticated:
        return qs.filter(Q(visibility=Visibility.PUBLIC) | Q(memberships__user=user)).distinct()
    return qs.filter(visibility=Visibility.PUBLIC)


def my_communities(user: Any) -> QuerySet[Community]:
    if user is None or not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(memberships__user=user, parent__isnull=True).order_by("name")


def memberships_of(user: Any) -> dict[int, str]:
    if user is None or not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user=user).values_list("community_id", "role"))


def active_circles(community: Community) -> QuerySet[Community]:
    return community.circles.filter(circle_status=CircleStatus.ACTIVE).order_by("name")


def proposed_circles(community: Community) -> QuerySet[Community]:
    return community.circles.filter(circle_status=CircleStatus.PROPOSED).select_related(
        "created_by"
    )


def members(
    community: Community, *, role: str | None = None, search: str = ""
) -> QuerySet[Membership]:
    qs = Membership.objects.filter(community=community, user__is_active=True).select_related("user")
    if role:
        qs = qs.filter(role=role)
    search = search.strip().lstrip("@")
    if search:
        # Handles by prefix, names anywhere; best matches (handle prefix) first.
        qs = qs.filter(
            Q(user__handle__istartswith=search) | Q(user__display_name__icontains=search)
        ).order_by(
            Case(When(user__handle__istartswith=search, then=0), default=1),
            "user__display_name",
            "pk",
        )
        return qs
    return qs.order_by("joined_at", "pk")


def role_counts(community: Community) -> dict[str, int]:
    return dict(
        Membership.objects.filter(community=community)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )


def pending_applications(community: Community) -> QuerySet[Application]:
    return community.applications.filter(status=ApplicationStatus.PENDING).select_related("user")


def membership_log(community: Community) -> QuerySet[Event]:
    """Role changes, joins, departures and removals: the community's open record."""
    return (
        Event.objects.filter(
            community=community,
            kind__in=[
                "membership.role_changed",
                "membership.removed",
                "membership.joined",
                "membership.left",
                "application.decided",
            ],
        )
        .select_related("actor")
        .order_by("-pk")
    )


def charter_diff(old: CharterVersion | None, new: CharterVersion) -> list[dict[str, Any]]:
    """Line diff per charter section, for the history page and the API."""
    sections = []
    for field in ("mission", "values", "rules"):
        before = getattr(old, field) if old else ""
        after = getattr(new, field)
        sections.append(
            {"field": field, "changed": before != after, "lines": line_diff(before, after)}
        )
    return sections
