"""The ladder module is pure computation: parse, start, climb and progress, checked by
hand and with generated ladders and support histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocreate.ideas import ladder
from cocreate.ideas.ladder import LEGO_PRESET, Position, Step

T0 = datetime(2030, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
SMALL = [Step(2, 10), Step(4, 20)]


def test_parse_accepts_the_lego_preset():
    assert ladder.parse(LEGO_PRESET) == [
        Step(100, 60),
        Step(1000, 365),
        Step(5000, 182),
        Step(10000, 182),
    ]


def test_parse_reads_numbers_given_as_text():
    assert ladder.parse([{"threshold": "5", "days": "7"}]) == [Step(5, 7)]


@pytest.mark.parametrize(
    "steps",
    [
        [],
        None,
        "100 in 60 days",
        [{"threshold": 1, "days": 1}] * 11,
        [{"threshold": 10, "days": 5}, {"threshold": 10, "days": 5}],  # not rising
        [{"threshold": 10, "days": 5}, {"threshold": 5, "days": 5}],
        [{"threshold": 0, "days": 5}],
        [{"threshold": 10_000_001, "days": 5}],
        [{"threshold": 10, "days": 0}],
        [{"threshold": 10, "days": 3651}],
        [{"threshold": 10}],
        [{"days": 10}],
        [{"threshold": "ten", "days": 10}],
        [["10", "5"]],
    ],
)
def test_parse_rejects_bad_ladders(steps):
    with pytest.raises(ValueError):
        ladder.parse(steps)


def test_start_targets_the_first_threshold():
    assert ladder.start(SMALL, T0) == Position(
        level=0, target=2, deadline=T0 + 10 * DAY, complete=False
    )


def test_climb_below_the_threshold_changes_nothing():
    start = ladder.start(SMALL, T0)

    assert ladder.climb(SMALL, start, 1, T0 + DAY) is start


def test_reaching_a_threshold_moves_up_and_counts_the_next_deadline_from_now():
    start = ladder.start(SMALL, T0)

    after = ladder.climb(SMALL, start, 2, T0 + 3 * DAY)

    assert after == Position(level=1, target=4, deadline=T0 + 3 * DAY + 20 * DAY, complete=False)


def test_reaching_the_last_threshold_completes_the_ladder():
    one = ladder.climb(SMALL, ladder.start(SMALL, T0), 2, T0 + DAY)

    done = ladder.climb(SMALL, one, 4, T0 + 2 * DAY)

    assert done == Position(level=2, target=None, deadline=None, complete=True)


def test_a_jump_past_several_thresholds_climbs_them_all():
    done = ladder.climb(SMALL, ladder.start(SMALL, T0), 100, T0 + DAY)

    assert done.level == 2 and done.complete and done.deadline is None


def test_fewer_supports_never_lower_the_level():
    one = ladder.climb(SMALL, ladder.start(SMALL, T0), 3, T0 + DAY)

    assert ladder.climb(SMALL, one, 0, T0 + 2 * DAY) is one


@pytest.mark.parametrize(
    ("count", "target", "share"),
    [
        (0, 100, 0.0),
        (25, 100, 0.25),
        (100, 100, 1.0),
        (250, 100, 1.0),
        (-3, 100, 0.0),
        (7, None, 1.0),
    ],
)
def test_progress_is_the_share_of_the_next_target(count, target, share):
    assert ladder.progress(count, target) == share


# --- properties ------------------------------------------------------------------------------

ladders = st.lists(st.tuples(st.integers(1, 50), st.integers(1, 400)), min_size=1, max_size=6).map(
    lambda raw: [
        {"threshold": sum(gap for gap, _ in raw[: i + 1]), "days": days}
        for i, (_gap, days) in enumerate(raw)
    ]
)
# A history of (hours later, change in supports), withdrawals included.
histories = st.lists(st.tuples(st.integers(0, 24 * 30), st.integers(-20, 40)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(ladders)
def test_parse_keeps_any_valid_ladder(raw):
    assert [{"threshold": s.threshold, "days": s.days} for s in ladder.parse(raw)] == raw


@settings(max_examples=300, deadline=None)
@given(ladders, histories)
def test_levels_never_decrease_and_each_new_deadline_counts_from_the_climb(raw, history):
    steps = ladder.parse(raw)
    now = T0
    count = 0
    position = ladder.start(steps, now)
    for hours, change in history:
        now += timedelta(hours=hours)
        count = max(0, count + change)
        after = ladder.climb(steps, position, count, now)

        assert after.level >= position.level
        if after.level > position.level and not after.complete:
            # A new rung: its deadline is counted from this moment.
            assert after.deadline == now + timedelta(days=steps[after.level].days)
            assert after.deadline > now
        elif after.level == position.level:
            assert after == position
        # The level is exactly the number of thresholds ever reached.
        assert after.level == max(position.level, sum(1 for s in steps if count >= s.threshold))
        assert after.complete == (after.level == len(steps))
        assert (after.target is None) == after.complete
        assert after.complete or after.target == steps[after.level].threshold
        position = after


@settings(max_examples=300, deadline=None)
@given(ladders, histories)
def test_with_growing_step_lengths_a_deadline_never_moves_earlier(raw, history):
    # Like the LEGO preset (60, 365, 182, 182 days is not growing, so sort the days):
    # climbing before the deadline never shortens the time left.
    days = sorted(step["days"] for step in raw)
    steps = ladder.parse([{**step, "days": d} for step, d in zip(raw, days, strict=True)])
    now = T0
    count = 0
    position = ladder.start(steps, now)
    for hours, change in history:
        now += timedelta(hours=hours)
        if position.complete or now > position.deadline:
            break  # an idea past its deadline expires instead of climbing
        count = max(0, count + change)
        after = ladder.climb(steps, position, count, now)
        if not after.complete:
            assert after.deadline >= position.deadline
        position = after


@settings(max_examples=200, deadline=None)
@given(ladders, st.integers(0, 1000), st.integers(0, 1000))
def test_more_supporters_at_the_same_moment_climb_at_least_as_high(raw, a, b):
    steps = ladder.parse(raw)
    start = ladder.start(steps, T0)
    low, high = sorted((a, b))

    assert ladder.climb(steps, start, low, T0).level <= ladder.climb(steps, start, high, T0).level


@settings(max_examples=200, deadline=None)
@given(st.integers(-100, 10_000), st.one_of(st.none(), st.integers(1, 10_000)))
def test_progress_stays_between_zero_and_one(count, target):
    assert 0.0 <= ladder.progress(count, target) <= 1.0
