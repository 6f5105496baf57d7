"""The rule engine's view of one player (segshared.rules.PlayerFacts) over PlayerState."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

from card_svc.domain.events import DERIVED_FROM, OCCURRED_AT, base_kind
from card_svc.domain.layout import history_layout
from card_svc.domain.profile import ms_to_dt, profile_values
from card_svc.domain.state import FIRST, LAST, MAX, MIN, SUM, PlayerState

_time = itemgetter(0)
_INDEX = {"sum": SUM, "min": MIN, "max": MAX, "first": FIRST, "last": LAST}


class StateFacts:
    """Fields and metrics of one player; the profile is derived once, on first use."""

    def __init__(self, state: PlayerState) -> None:
        self.state = state
        self._profile: dict[str, Any] | None = None

    @property
    def profile(self) -> dict[str, Any]:
        if self._profile is None:
            self._profile = profile_values(self.state)
        return self._profile

    def field(self, name: str) -> Any:
        return self.profile.get(name)

    def metric(
        self,
        fn: str,
        event: str,
        property: str | None,
        window: timedelta | None,
        clock: datetime,
    ) -> Any:
        fn = str(getattr(fn, "value", fn))
        prop = None if property in (None, OCCURRED_AT) else property
        if window is None:
            return self._all_time(fn, event, prop)
        hi = int(clock.timestamp() * 1000)
        lo = int((clock - window).timestamp() * 1000)
        values = [v for t, v in self._rows(event, prop, lo, hi) if lo < t <= hi]
        out = _reduce(fn, values)
        # Over occurred_at, min/max/first/last are times.
        return ms_to_dt(out) if prop is None and fn not in ("count", "sum") else out

    def event_times(self, event: str) -> Sequence[datetime]:
        return [ms_to_dt(r[0]) for r in self._rows(event, None)]  # type: ignore[misc]

    def event_rows(self, event: str) -> list[list[Any]]:
        """The retained rows of ``event`` in time order (epoch ms first), not copied."""
        base = base_kind(event)
        rows = self.state.history.get(base, [])
        if event in DERIVED_FROM:  # bet_won / bet_lost: filter bet_settled on the outcome
            want = 1 if event == "bet_won" else 0
            rows = [r for r in rows if r[1] == want]
        return rows

    def _all_time(self, fn: str, event: str, prop: str | None) -> Any:
        agg = self.state.aggs.get(event)
        if fn == "count":
            return agg.n if agg else 0
        if prop is None:  # a time: min/first is the first event, max/last the last
            if agg is None:
                return 0.0 if fn == "sum" else None
            return ms_to_dt(agg.t0 if fn in ("min", "first") else agg.t1)
        vals = agg.props.get(prop) if agg else None
        if vals is None:
            return 0.0 if fn == "sum" else None
        return vals[_INDEX[fn]]

    def _rows(
        self, event: str, prop: str | None, lo: int | None = None, hi: int | None = None
    ) -> list[tuple[int, Any]]:
        """(time, value) of the retained events of ``event``; value is the time when no prop.

        With ``lo``/``hi`` only rows with lo < time <= hi may be returned (history is kept in
        time order, so a bisect skips the rest instead of scanning the whole history).
        """
        base = base_kind(event)
        layout = history_layout(base)
        rows = self.state.history.get(base, [])
        if lo is not None and hi is not None and rows:
            rows = rows[bisect_right(rows, lo, key=_time) : bisect_right(rows, hi, key=_time)]
        if event in DERIVED_FROM:  # bet_won / bet_lost: filter bet_settled on the outcome
            want = 1 if event == "bet_won" else 0
            rows = [r for r in rows if r[1] == want]
        if prop is None:
            return [(r[0], r[0]) for r in rows]
        col = 1 + layout.index(prop) if prop in layout else None
        if col is None:
            return []
        return [(r[0], r[col]) for r in rows if r[col] is not None]


def _reduce(fn: str, values: list[Any]) -> Any:
    """Aggregate values in time order; over nothing count and sum are 0, the rest None."""
    if fn == "count":
        return len(values)
    if fn == "sum":
        total = 0.0
        for v in values:  # left fold in time order, like the all-time sums
            total += v
        return total
    if not values:
        return None
    if fn == "min":
        return min(values)
    if fn == "max":
        return max(values)
    return values[0] if fn == "first" else values[-1]
