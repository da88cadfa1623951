"""Helpers shared by the challenge and idea tests: challenges with phases placed
around a moment, a snapshot of everything the challenge and idea actions can
change (for "denied changes nothing"), and JSON/API helpers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from cocreate.challenges import actions as challenge_actions
from cocreate.challenges.models import (
    PHASE_ORDER,
    Challenge,
    JuryMember,
    Phase,
    Prize,
    ReviewWindow,
    TermsVersion,
)
from cocreate.core.models import Event
from cocreate.ideas.models import CoAuthor, Idea, IdeaVersion, StageChange, Support, SupportLadder
from tests.communities.helpers import API, assert_error, post_json

__all__ = ["API", "assert_error", "post_json"]

DAY = timedelta(days=1)


def phases_with_current(kind: str | None, now: datetime | None = None) -> list[dict[str, Any]]:
    """All five phases, ten days each and in order, placed so that `kind` is the
    phase running at `now` (None: now is before the first phase starts)."""
    now = now or timezone.now()
    days = -5 if kind is None else PHASE_ORDER.index(kind) * 10 + 5
    first = now - days * DAY
    return [
        {
            "kind": k,
            "starts_at": first + i * 10 * DAY,
            "ends_at": first + (i + 1) * 10 * DAY,
        }
        for i, k in enumerate(PHASE_ORDER)
    ]


def open_submission() -> list[dict[str, Any]]:
    """One submission phase, started long ago and never ending: open at any moment
    a frozen clock may choose."""
    return [{"kind": "submission", "starts_at": "2020-01-01T00:00:00+00:00", "ends_at": None}]


def make_challenge(
    actor: Any,
    community: Any,
    *,
    phases: list[dict[str, Any]] | None = None,
    publish: bool = True,
    **fields: Any,
) -> Challenge:
    """A challenge created through the actions (so the rules apply), in its
    submission phase unless other phases are given."""
    fields.setdefault("title", "Greener packaging")
    challenge = challenge_actions.create_challenge(actor, community, **fields)
    challenge_actions.set_phases(
        actor, challenge, phases if phases is not None else phases_with_current("submission")
    )
    if publish:
        challenge_actions.publish_challenge(actor, challenge)
    challenge.refresh_from_db()
    return challenge


def fresh(challenge: Challenge) -> Challenge:
    """The challenge as a request would load it (no cached phases or terms)."""
    return Challenge.objects.select_related("community", "community__parent").get(pk=challenge.pk)


def db_state() -> dict[str, Any]:
    """Everything a challenge or idea action may write, in a comparable form."""
    return {
        "challenges": sorted(
            Challenge.objects.values_list(
                "pk",
                "title",
                "status",
                "type",
                "owner_id",
                "idea_count",
                "response_days",
                "uses_ladder",
                "published_at",
            )
        ),
        "phases": sorted(Phase.objects.values_list("challenge_id", "kind", "starts_at", "ends_at")),
        "terms": sorted(TermsVersion.objects.values_list("challenge_id", "number", "usage")),
        "jury": sorted(JuryMember.objects.values_list("challenge_id", "user_id", "role")),
        "prizes": sorted(Prize.objects.values_list("challenge_id", "title", "points")),
        "windows": sorted(
            ReviewWindow.objects.values_list("challenge_id", "cutoff_at", "review_at")
        ),
        "ideas": sorted(
            Idea.objects.values_list(
                "pk",
                "title",
                "body",
                "stage",
                "support_count",
                "version_count",
                "ladder_level",
                "ladder_target",
                "deadline_at",
                "ladder_completed_at",
                "review_window_id",
                "response_due_at",
                "responded_at",
                "parent_id",
                "terms_version_id",
            )
        ),
        "versions": sorted(IdeaVersion.objects.values_list("idea_id", "number")),
        "coauthors": sorted(CoAuthor.objects.values_list("idea_id", "user_id", "status")),
        "supports": sorted(Support.objects.values_list("idea_id", "user_id")),
        "stage_changes": sorted(
            StageChange.objects.values_list("idea_id", "from_stage", "to_stage", "reason")
        ),
        "ladders": sorted(SupportLadder.objects.values_list("community_id", "steps")),
        # API tokens made for a test client are not the actions' doing.
        "events": sorted(
            Event.objects.exclude(kind__startswith="account.").values_list("pk", "kind")
        ),
    }
