"""A tiny in-memory PlayerFacts for rule tests, written independently of segshared.rules.metrics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BASE = datetime(2024, 1, 1, tzinfo=UTC)


def at(seconds: float = 0, *, minutes: float = 0, days: float = 0) -> datetime:
    """BASE plus an offset: tests speak in small numbers."""
    return BASE + timedelta(seconds=seconds, minutes=minutes, days=days)


@dataclass
class FakeFacts:
    """Fields by name; events by metric kind as (occurred_at, properties)."""

    fields: dict[str, Any] = field(default_factory=dict)
    events: Mapping[str, Sequence[tuple[datetime, Mapping[str, Any]]]] = field(default_factory=dict)

    def field(self, name: str) -> Any:
        return self.fields.get(name)

    def metric(
        self, fn: str, event: str, property: str | None, window: timedelta | None, clock: datetime
    ) -> Any:
        chosen = sorted(self.events.get(event, []), key=lambda e: e[0])
        if window is not None:
            chosen = [e for e in chosen if clock - window < e[0] <= clock]
        if fn == "count":
            return len(chosen)
        if property == "occurred_at":
            values: list[Any] = [t for t, _ in chosen]
        else:
            key = property or ""
            values = [p[key] for _, p in chosen if p.get(key) is not None]
        if fn == "sum":
            return float(sum(values))
        if not values:
            return None
        return {"min": min(values), "max": max(values), "first": values[0], "last": values[-1]}[fn]

    def event_times(self, event: str) -> Sequence[datetime]:
        return sorted(t for t, _ in self.events.get(event, []))
