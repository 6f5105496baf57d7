"""Per-player state: profile attributes, all-time aggregates, retained history, dedupe.

Stored as compact JSON in Redis (ADR 0001). Folding remembers the ids it applied, so a
redelivered event changes nothing (DESIGN decision 3, the ``+=`` pitfall).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import orjson

from card_svc.domain.events import PlayerEventIn, base_kind, metric_kinds, numeric
from card_svc.domain.layout import history_layout, prop_names
from segshared.fields import coerce_field_value, field_spec, profile_change_field

# Aggregate of one property: [sum, min, max, first, last].
SUM, MIN, MAX, FIRST, LAST = range(5)


def _time(row: list[Any]) -> Any:
    return row[0]


class Outcome(Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    LATE = "late"


@dataclass
class KindAgg:
    """All-time aggregates of one metric kind."""

    n: int = 0
    t0: int = 0  # first occurred_at (ms)
    t1: int = 0  # last occurred_at (ms)
    props: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class PlayerState:
    """Everything card-svc knows about one player."""

    player_id: str
    attrs: dict[str, Any] = field(default_factory=dict)
    aggs: dict[str, KindAgg] = field(default_factory=dict)
    history: dict[str, list[list[Any]]] = field(default_factory=dict)
    applied: dict[str, int] = field(default_factory=dict)
    seen0: int = 0  # first / newest occurred_at of any event (ms); 0: none yet
    seen1: int = 0
    cards: set[int] = field(default_factory=set)
    due: dict[int, int] = field(default_factory=dict)  # clock-dependent card -> next flip (ms)

    def apply(self, event: PlayerEventIn, *, horizon_ms: int) -> Outcome:
        """Fold one event unless it was applied already or is older than the horizon."""
        if event.event_id in self.applied:
            return Outcome.DUPLICATE
        if self.seen1 and event.t_ms < self.seen1 - horizon_ms:
            return Outcome.LATE
        self.applied[event.event_id] = event.t_ms
        self.seen0 = event.t_ms if not self.seen0 else min(self.seen0, event.t_ms)
        self.seen1 = max(self.seen1, event.t_ms)
        if event.type == "player_registered":
            self._set_attrs({k: v for k, v in event.data.items() if v is not None})
            self.attrs["registered_at"] = event.t_ms
        elif event.type == "profile_updated":
            changes = event.data.get("changes", {})
            self._set_attrs({profile_change_field(k): v for k, v in changes.items()})
        else:
            for kind in metric_kinds(event):
                self._aggregate(kind, event)
            self._remember(event)
        return Outcome.APPLIED

    def _set_attrs(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            spec = field_spec(name)
            try:
                typed = None if spec is None else coerce_field_value(spec, value)
            except ValueError:  # e.g. "maybe" for a boolean opt-in: keep what we had
                continue
            if typed is None:
                self.attrs.pop(name, None)
            else:
                self.attrs[name] = typed

    def _aggregate(self, kind: str, event: PlayerEventIn) -> None:
        agg = self.aggs.get(kind)
        if agg is None:
            agg = self.aggs[kind] = KindAgg(t0=event.t_ms, t1=event.t_ms)
        is_first, is_last = agg.n == 0 or event.t_ms < agg.t0, event.t_ms >= agg.t1
        agg.n += 1
        agg.t0, agg.t1 = min(agg.t0, event.t_ms), max(agg.t1, event.t_ms)
        for name in prop_names(kind):
            value = numeric(event.data.get(name))
            if value is None:
                continue
            cur = agg.props.get(name)
            if cur is None:
                agg.props[name] = [value, value, value, value, value]
                continue
            # Plain left-to-right ``+=`` in arrival order, so sums match a straight fold.
            cur[SUM] += value
            cur[MIN], cur[MAX] = min(cur[MIN], value), max(cur[MAX], value)
            if is_first:
                cur[FIRST] = value
            if is_last:
                cur[LAST] = value

    def _remember(self, event: PlayerEventIn) -> None:
        kind = base_kind(event.type)
        entry: list[Any] = [event.t_ms]
        for name in history_layout(kind):
            if name == "won":
                entry.append(1 if event.data.get("outcome") == "won" else 0)
            else:
                entry.append(numeric(event.data.get(name)))
        rows = self.history.setdefault(kind, [])
        if not rows or rows[-1][0] <= event.t_ms:
            rows.append(entry)
        else:  # out of order: keep time order, after equal times (arrival order)
            rows.insert(bisect.bisect_right(rows, event.t_ms, key=_time), entry)

    def prune(self, *, history_before_ms: int, horizon_ms: int) -> None:
        """Drop history outside every possible window and ids older than the dedupe horizon."""
        for kind, rows in self.history.items():
            if rows and rows[0][0] <= history_before_ms:
                self.history[kind] = rows[bisect.bisect_right(rows, history_before_ms, key=_time) :]
        # An id older than the horizon can go: its event would be refused as late anyway.
        floor = self.seen1 - horizon_ms
        if self.applied and min(self.applied.values()) < floor:
            self.applied = {k: t for k, t in self.applied.items() if t >= floor}

    def to_json(self) -> bytes:
        """Compact JSON for Redis."""
        return orjson.dumps(
            {
                "id": self.player_id,
                "a": self.attrs,
                "g": {k: [g.n, g.t0, g.t1, g.props] for k, g in self.aggs.items()},
                "h": self.history,
                "e": self.applied,
                "s": [self.seen0, self.seen1],
                "c": sorted(self.cards),
                "d": {str(k): v for k, v in self.due.items()},
            }
        )

    @classmethod
    def from_json(cls, raw: bytes | str) -> PlayerState:
        doc = orjson.loads(raw)
        return cls(
            player_id=doc["id"],
            attrs=doc["a"],
            aggs={k: KindAgg(n, t0, t1, props) for k, (n, t0, t1, props) in doc["g"].items()},
            history=doc["h"],
            applied=doc["e"],
            seen0=doc["s"][0],
            seen1=doc["s"][1],
            cards=set(doc["c"]),
            due={int(k): v for k, v in doc["d"].items()},
        )
