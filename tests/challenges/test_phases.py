"""Phases as data: they follow the fixed order without overlapping, each ends after
it starts, and `current_phase` reads them (the idea box is always submitting)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cocreate.challenges import actions
from cocreate.challenges.models import PHASE_RULES, Phase, PhaseKind
from cocreate.core.errors import Forbidden, Invalid
from tests.challenges.helpers import (
    API,
    assert_error,
    db_state,
    fresh,
    make_challenge,
    phases_with_current,
    post_json,
)

pytestmark = pytest.mark.django_db

T = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)
D = timedelta(days=1)


def at(days: float) -> str:
    return (T + days * D).isoformat()


@pytest.fixture
def draft(community, owner):
    return make_challenge(owner, community, publish=False)


def test_phases_are_stored_in_order_whatever_order_they_are_given(draft, owner):
    actions.set_phases(
        owner,
        draft,
        [
            {"kind": "review", "starts_at": at(20), "ends_at": at(30)},
            {"kind": "submission", "starts_at": at(0), "ends_at": at(10)},
            {"kind": "support", "starts_at": at(10), "ends_at": at(20)},
        ],
    )

    assert list(draft.phases.values_list("kind", flat=True)) == ["submission", "support", "review"]


def test_setting_phases_replaces_the_old_ones(draft, owner):
    actions.set_phases(owner, draft, [{"kind": "submission", "starts_at": at(0), "ends_at": None}])

    assert list(Phase.objects.filter(challenge=draft).values_list("kind", "ends_at")) == [
        ("submission", None)
    ]


@pytest.mark.parametrize(
    ("phases", "field"),
    [
        # A later kind may not start before an earlier one.
        (
            [
                {"kind": "submission", "starts_at": at(10), "ends_at": at(20)},
                {"kind": "support", "starts_at": at(0), "ends_at": at(5)},
            ],
            "phases",
        ),
        # Overlap.
        (
            [
                {"kind": "submission", "starts_at": at(0), "ends_at": at(10)},
                {"kind": "support", "starts_at": at(9), "ends_at": at(20)},
            ],
            "phases",
        ),
        # Only the last phase may be open-ended.
        (
            [
                {"kind": "submission", "starts_at": at(0), "ends_at": None},
                {"kind": "support", "starts_at": at(10), "ends_at": at(20)},
            ],
            "phases",
        ),
        # Ends before (or when) it starts.
        ([{"kind": "submission", "starts_at": at(10), "ends_at": at(5)}], "phases.0.ends_at"),
        ([{"kind": "submission", "starts_at": at(10), "ends_at": at(10)}], "phases.0.ends_at"),
        (
            [
                {"kind": "submission", "starts_at": at(0), "ends_at": at(10)},
                {"kind": "support", "starts_at": at(30), "ends_at": at(20)},
            ],
            "phases.1.ends_at",
        ),
        # The same kind twice, or an unknown kind.
        (
            [
                {"kind": "submission", "starts_at": at(0), "ends_at": at(10)},
                {"kind": "submission", "starts_at": at(10), "ends_at": at(20)},
            ],
            "phases.1.kind",
        ),
        ([{"kind": "voting", "starts_at": at(0), "ends_at": at(10)}], "phases.0.kind"),
        # A start is required and must be a date.
        ([{"kind": "submission", "starts_at": None}], "phases.0.starts_at"),
        ([{"kind": "submission", "starts_at": "next tuesday"}], "phases.0.starts_at"),
    ],
)
def test_bad_phases_are_invalid_naming_the_field_and_keep_the_old_phases(
    draft, owner, phases, field
):
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.set_phases(owner, draft, phases)

    assert field in exc.value.fields, exc.value.fields
    assert db_state() == before


def test_touching_phases_are_allowed(draft, owner):
    actions.set_phases(
        owner,
        draft,
        [
            {"kind": "submission", "starts_at": at(0), "ends_at": at(10)},
            {"kind": "support", "starts_at": at(10), "ends_at": at(20)},
            {"kind": "delivery", "starts_at": at(40), "ends_at": None},
        ],
    )

    assert draft.phases.count() == 3


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            [
                {"kind": "submission", "starts_at": at(0), "ends_at": at(10)},
                {"kind": "support", "starts_at": at(5), "ends_at": at(20)},
            ],
            "phases",
        ),
        ([{"kind": "submission", "starts_at": at(5), "ends_at": at(1)}], "phases.0.ends_at"),
        ([{"kind": "voting", "starts_at": at(0)}], "phases.0.kind"),
    ],
)
def test_api_bad_phases_are_422_with_the_field(draft, owner, api_client, payload, field):
    client = api_client(owner)
    before = db_state()

    response = post_json(client, f"{API}/challenges/{draft.pk}/phases", payload, method="put")

    assert_error(response, 422, "invalid", field)
    assert db_state() == before


def test_api_sets_phases_and_reports_the_current_one(draft, owner, api_client):
    payload = [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in p.items()}
        for p in phases_with_current("support")
    ]

    response = post_json(api_client(owner), f"{API}/challenges/{draft.pk}/phases", payload, "put")

    assert response.status_code == 200, response.content
    body = response.json()
    assert [p["kind"] for p in body["phases"]] == [k.value for k in PhaseKind]
    assert body["current_phase"] == "support"


def test_members_cannot_set_phases(challenge, member, api_client):
    client = api_client(member)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.set_phases(member, challenge, phases_with_current("review"))
    response = post_json(client, f"{API}/challenges/{challenge.pk}/phases", [], method="put")

    assert_error(response, 403, "forbidden")
    assert db_state() == before


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-1, None),
        (0, "submission"),  # starts are inclusive
        (9.9, "submission"),
        (10, "support"),  # ends are exclusive
        (25, "review"),
        (29.99, "review"),
        (30, None),  # a gap between review and decision: nothing runs
        (35, "decision"),
        (45, "delivery"),
        (10_000, "delivery"),  # open-ended
    ],
)
def test_current_phase_reads_the_phase_rows(draft, owner, days, expected):
    actions.set_phases(
        owner,
        draft,
        [
            {"kind": "submission", "starts_at": at(0), "ends_at": at(10)},
            {"kind": "support", "starts_at": at(10), "ends_at": at(20)},
            {"kind": "review", "starts_at": at(20), "ends_at": at(30)},
            {"kind": "decision", "starts_at": at(31), "ends_at": at(40)},
            {"kind": "delivery", "starts_at": at(40), "ends_at": None},
        ],
    )
    challenge = fresh(draft)

    assert challenge.current_phase(T + days * D) == expected
    for action in ("submit", "edit", "support", "comment"):
        allowed = expected is not None and action in PHASE_RULES[expected]
        assert challenge.allows(action, T + days * D) == allowed


def test_the_phase_table_is_what_the_issue_describes():
    table = dict(PHASE_RULES)
    assert table == {
        "submission": frozenset({"submit", "edit", "support", "comment"}),
        "support": frozenset({"edit", "support", "comment"}),
        "review": frozenset({"comment"}),
        "decision": frozenset({"comment"}),
        "delivery": frozenset({"comment"}),
    }


def test_challenge_page_marks_the_running_phase(challenge, member):
    from tests.conftest import client_for

    html = client_for(member).get(f"/challenges/{challenge.pk}/").content.decode()

    assert 'aria-current="step"' in html
    assert html.count('aria-current="step"') == 1


def test_offsets_postgresql_refuses_are_stored_in_utc(owner, challenge):
    """ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59: found by
    schemathesis (a 500 on PostgreSQL)."""
    from cocreate.challenges import actions as challenge_actions

    [window] = challenge_actions.set_review_windows(
        owner,
        challenge,
        [{"cutoff_at": "2031-09-30T10:56:54+19:32", "review_at": "2031-10-30T10:00:00Z"}],
    )
    window.refresh_from_db()
    assert window.cutoff_at.isoformat() == "2031-09-29T15:24:54+00:00"
