"""A player event as the domain sees it, and the metric kinds it feeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from segshared.fields import METRIC_SOURCES, TIME_PROPERTY
from segshared.fields import metric_kinds as _metric_kinds

#: Kinds derived from another: bet_won / bet_lost are bet_settled split by outcome.
DERIVED_FROM = {k: v for k, v in METRIC_SOURCES.items() if k != v}
OCCURRED_AT = TIME_PROPERTY


@dataclass(frozen=True, slots=True)
class PlayerEventIn:
    """One decoded player event: identity, time (epoch ms) and its data as plain values."""

    event_id: str
    type: str
    player_id: str
    t_ms: int
    data: dict[str, Any]


def metric_kinds(event: PlayerEventIn) -> tuple[str, ...]:
    """The metric kinds an event counts as: bet_settled also counts as bet_won or bet_lost."""
    return _metric_kinds(event.type, event.data.get("outcome"))


def base_kind(kind: str) -> str:
    """The kind whose history holds ``kind``'s events."""
    return DERIVED_FROM.get(kind, kind)


def numeric(value: Any) -> float | None:
    """A number usable in metrics (bools and text are not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
