"""The support ladder, as pure computation (no Django): thresholds with deadlines.

An idea starts at level 0 with `steps[0].days` to reach `steps[0].threshold`
supporters. Reaching a threshold moves it up a level and gives it the next step's
days, counted from the moment it got there; missing a deadline expires it. Reaching
the last threshold completes the ladder (the idea then waits for a review window).
Withdrawn supports never take a level away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# LEGO Ideas: 100 in 60 days, then 365 days for 1,000, then 182 for 5,000 and 182 for 10,000.
LEGO_PRESET: list[dict[str, int]] = [
    {"threshold": 100, "days": 60},
    {"threshold": 1000, "days": 365},
    {"threshold": 5000, "days": 182},
    {"threshold": 10000, "days": 182},
]


@dataclass(frozen=True)
class Step:
    threshold: int
    days: int


def parse(steps: Any) -> list[Step]:
    """Validate ladder steps: 1-10 steps, thresholds strictly rising, 1-3650 days."""
    if not isinstance(steps, list) or not 1 <= len(steps) <= 10:
        raise ValueError("a ladder has 1 to 10 steps")
    parsed = []
    previous = 0
    for raw in steps:
        try:
            step = Step(threshold=int(raw["threshold"]), days=int(raw["days"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("each step needs a whole-number threshold and days") from exc
        if step.threshold <= previous or step.threshold > 10_000_000:
            raise ValueError("thresholds must rise, up to 10,000,000")
        if not 1 <= step.days <= 3650:
            raise ValueError("days must be between 1 and 3650")
        parsed.append(step)
        previous = step.threshold
    return parsed


@dataclass(frozen=True)
class Position:
    level: int  # thresholds reached so far
    target: int | None  # the next threshold, None once the ladder is complete
    deadline: datetime | None  # when the next threshold must be reached
    complete: bool


def start(steps: list[Step], published_at: datetime) -> Position:
    return Position(
        level=0,
        target=steps[0].threshold,
        deadline=published_at + timedelta(days=steps[0].days),
        complete=False,
    )


def climb(steps: list[Step], position: Position, count: int, now: datetime) -> Position:
    """The position after the support count became `count` at `now`."""
    level = position.level
    deadline = position.deadline
    while level < len(steps) and count >= steps[level].threshold:
        level += 1
        deadline = now + timedelta(days=steps[level].days) if level < len(steps) else None
    if level == position.level:
        return position
    complete = level >= len(steps)
    return Position(
        level=level,
        target=None if complete else steps[level].threshold,
        deadline=deadline,
        complete=complete,
    )


def progress(count: int, target: int | None) -> float:
    """Share of the next threshold reached, for the progress bar."""
    if target is None:
        return 1.0
    return max(0.0, min(1.0, count / target))
