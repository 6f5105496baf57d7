"""Which numeric properties each metric kind keeps, from the field registry."""

from __future__ import annotations

from functools import cache

from card_svc.domain.events import DERIVED_FROM, OCCURRED_AT
from segshared.fields import METRIC_EVENTS


@cache
def prop_names(kind: str) -> tuple[str, ...]:
    """Numeric properties aggregated for ``kind`` (occurred_at is kept as times instead)."""
    return tuple(p for p in METRIC_EVENTS.get(kind, ()) if p != OCCURRED_AT)


@cache
def history_layout(base: str) -> tuple[str, ...]:
    """Columns after the time in a retained event of ``base`` (derived kinds share it)."""
    names: list[str] = []
    for kind in (base, *(k for k, b in DERIVED_FROM.items() if b == base)):
        names.extend(p for p in prop_names(kind) if p not in names)
    return ("won", *names) if base in DERIVED_FROM.values() else tuple(names)
