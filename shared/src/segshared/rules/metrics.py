"""Reference computation of a metric over one player's events (for PlayerFacts implementations)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from segshared.fields import TIME_PROPERTY

Event = tuple[datetime, Mapping[str, Any]]


def in_window(occurred_at: datetime, window: timedelta | None, clock: datetime) -> bool:
    """Whether an event counts in `window` at `clock`: clock - window < occurred_at <= clock."""
    return window is None or clock - window < occurred_at <= clock


def compute_metric(
    fn: str,
    property: str | None,
    events: Iterable[Event],
    window: timedelta | None,
    clock: datetime,
) -> Any:
    """`fn` over (occurred_at, properties) events of one kind; count/sum give 0 over none."""
    # All-time metrics (window None) take every event given, so evaluate at a clock no older
    # than the player's newest event. Events lacking the property count only for count.
    chosen = sorted((e for e in events if in_window(e[0], window, clock)), key=lambda e: e[0])
    if fn == "count":
        return len(chosen)
    if property == TIME_PROPERTY:
        times = [t for t, _ in chosen]
        return _pick(fn, times)
    values = [v for _, props in chosen if (v := props.get(property or "")) is not None]
    if fn == "sum":
        total = 0.0
        for v in values:  # a left fold in time order, as the services fold their aggregates
            total += v
        return total
    return _pick(fn, values)


def _pick(fn: str, values: list[Any]) -> Any:
    if not values:
        return None
    if fn == "min":
        return min(values)
    if fn == "max":
        return max(values)
    if fn == "first":
        return values[0]
    if fn == "last":
        return values[-1]
    raise ValueError(f"unknown metric fn {fn!r}")
