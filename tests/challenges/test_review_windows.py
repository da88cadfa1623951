"""Review windows: a cut-off and a review date on or after it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cocreate.challenges import actions
from cocreate.challenges.models import ReviewWindow
from cocreate.core.errors import Forbidden, Invalid
from cocreate.ideas.models import Idea
from tests.challenges.helpers import API, assert_error, db_state, post_json

pytestmark = pytest.mark.django_db

JAN = datetime(2031, 1, 31, tzinfo=UTC)
FEB = datetime(2031, 2, 15, tzinfo=UTC)
MAR = datetime(2031, 3, 31, tzinfo=UTC)


def test_staff_set_review_windows_in_cutoff_order(challenge, owner, api_client):
    actions.set_review_windows(
        owner,
        challenge,
        [{"cutoff_at": MAR, "review_at": MAR}, {"cutoff_at": JAN, "review_at": FEB}],
    )

    assert list(challenge.review_windows.values_list("cutoff_at", "review_at")) == [
        (JAN, FEB),
        (MAR, MAR),
    ]
    windows = api_client(None).get(f"{API}/challenges/{challenge.pk}").json()["review_windows"]
    assert [w["cutoff_at"][:10] for w in windows] == ["2031-01-31", "2031-03-31"]


@pytest.mark.parametrize(
    "window",
    [
        {"cutoff_at": FEB, "review_at": JAN},
        {"cutoff_at": None, "review_at": FEB},
        {"cutoff_at": JAN, "review_at": None},
        {"cutoff_at": "someday", "review_at": FEB},
    ],
)
def test_a_review_before_its_cutoff_or_a_missing_date_is_invalid(challenge, owner, window):
    before = db_state()

    with pytest.raises(Invalid) as exc:
        actions.set_review_windows(owner, challenge, [window])

    assert set(exc.value.fields) & {
        "review_windows.0",
        "review_windows.0.cutoff_at",
        "review_windows.0.review_at",
    }
    assert db_state() == before


def test_api_review_before_cutoff_is_422(challenge, owner, api_client):
    client = api_client(owner)
    before = db_state()

    response = post_json(
        client,
        f"{API}/challenges/{challenge.pk}/review-windows",
        [{"cutoff_at": FEB.isoformat(), "review_at": JAN.isoformat()}],
        "put",
    )

    assert_error(response, 422, "invalid", "review_windows.0")
    assert db_state() == before


def test_members_cannot_set_review_windows(challenge, member, api_client):
    client = api_client(member)
    before = db_state()

    with pytest.raises(Forbidden):
        actions.set_review_windows(member, challenge, [{"cutoff_at": JAN, "review_at": FEB}])
    response = post_json(
        client,
        f"{API}/challenges/{challenge.pk}/review-windows",
        [{"cutoff_at": JAN.isoformat(), "review_at": FEB.isoformat()}],
        "put",
    )

    assert_error(response, 403, "forbidden")
    assert db_state() == before


def test_windows_that_ideas_wait_for_are_kept_when_windows_are_replaced(challenge, owner, idea):
    actions.set_review_windows(owner, challenge, [{"cutoff_at": JAN, "review_at": FEB}])
    waited_for = ReviewWindow.objects.get(challenge=challenge)
    Idea.objects.filter(pk=idea.pk).update(review_window=waited_for)

    actions.set_review_windows(owner, challenge, [{"cutoff_at": MAR, "review_at": MAR}])

    assert ReviewWindow.objects.filter(pk=waited_for.pk).exists()
    assert Idea.objects.get(pk=idea.pk).review_window_id == waited_for.pk
    assert challenge.review_windows.count() == 2
