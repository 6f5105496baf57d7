"""The reference metric computation offered to PlayerFacts implementations."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from segshared.rules import compute_metric, in_window
from tests.unit.rules.rules_facts import at

CLOCK = at(minutes=10)
# Deliberately out of time order; the last one lacks the property.
EVENTS: list[tuple[datetime, dict[str, float | None]]] = [
    (at(minutes=9), {"amount": 2.0}),
    (at(minutes=0), {"amount": 8.0}),
    (at(minutes=5), {"amount": 0.5}),
    (at(minutes=7), {"amount": None}),
]
W = timedelta(minutes=5)  # holds minutes 7 and 9 (5 is exactly on the open bound)


@pytest.mark.parametrize(
    ("fn", "prop", "window", "expected"),
    [
        ("count", None, None, 4),
        ("count", None, W, 2),
        ("sum", "amount", None, 10.5),
        ("sum", "amount", W, 2.0),
        ("min", "amount", None, 0.5),
        ("max", "amount", None, 8.0),
        ("first", "amount", None, 8.0),
        ("last", "amount", None, 2.0),
        ("first", "occurred_at", W, at(minutes=7)),
        ("last", "occurred_at", None, at(minutes=9)),
        ("max", "amount", timedelta(minutes=1), None),
        ("sum", "amount", timedelta(minutes=1), 0.0),
        ("count", None, timedelta(minutes=1), 0),
    ],
)
def test_compute_metric(
    fn: str, prop: str | None, window: timedelta | None, expected: object
) -> None:
    assert compute_metric(fn, prop, EVENTS, window, CLOCK) == expected


def test_in_window() -> None:
    assert in_window(at(minutes=5, seconds=0.001), W, CLOCK)
    assert not in_window(at(minutes=5), W, CLOCK)
    assert in_window(CLOCK, W, CLOCK)
    assert not in_window(CLOCK + timedelta(microseconds=1), W, CLOCK)
    assert in_window(at(days=-999), None, CLOCK)
