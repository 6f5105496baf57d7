"""Operator semantics on one actual value (rule-language.md: missing values, coercions)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from segshared.rules.card_model import Op, Operand, RelativeTime, Value, as_utc, parse_instant

_DECIMAL = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_BOOLS = {"true": True, "false": False}


def holds(op: Op, actual: Any, value: Value, clock: datetime) -> bool:
    """Whether `actual op value` holds at `clock`; None is a missing value."""
    if op in ("exists", "not_exists"):
        return (actual is None) == (op == "not_exists")
    if op in ("empty", "not_empty"):
        return (actual is None or actual == "") == (op == "empty")
    if op == "between":
        if actual is None or not isinstance(value, tuple):
            return False
        lo, hi = value
        return compare(actual, lo, clock) in (0, 1) and compare(actual, hi, clock) in (-1, 0)
    if op in ("in", "not_in"):
        items = value if isinstance(value, tuple) else ()
        found = actual is not None and any(compare(actual, v, clock) == 0 for v in items)
        return found == (op == "in")
    if actual is None or isinstance(value, tuple) or value is None:
        return op == "ne"
    order = compare(actual, value, clock)
    if op == "ne":
        return order != 0  # incomparable values are unequal
    if order is None:
        return False
    if op == "eq":
        return order == 0
    if op == "lt":
        return order < 0
    if op == "lte":
        return order <= 0
    if op == "gt":
        return order > 0
    return op == "gte" and order >= 0


def compare(actual: Any, operand: Operand, clock: datetime) -> int | None:
    """-1, 0 or 1 as `actual` is below, equal to or above `operand`; None if incomparable."""
    pair = _coerce(actual, operand, clock)
    if pair is None:
        return None
    a, b = pair
    if a < b:
        return -1
    if a > b:
        return 1
    return 0 if a == b else None  # NaN


def _coerce(a: Any, b: Any, clock: datetime) -> tuple[Any, Any] | None:
    if isinstance(b, RelativeTime):
        b = b.resolve(clock)
    if isinstance(a, datetime) or isinstance(b, datetime):
        x, y = _instant(a), _instant(b)
        return None if x is None or y is None else (x, y)
    if isinstance(a, bool) or isinstance(b, bool):
        p, q = _boolean(a), _boolean(b)
        return None if p is None or q is None else (p, q)
    if isinstance(a, str) and isinstance(b, str):
        if _looks_like_time(a) and _looks_like_time(b):
            x, y = parse_instant(a), parse_instant(b)
            if x is not None and y is not None:
                return x, y
        return a, b
    if isinstance(a, str) and _DECIMAL.match(a):
        a = float(a)  # a custom attribute holding a number
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a, b
    return None


def _instant(v: Any) -> datetime | None:
    if isinstance(v, datetime):
        return as_utc(v)
    return parse_instant(v) if isinstance(v, str) else None


def _boolean(v: Any) -> bool | None:
    if isinstance(v, bool):
        return v
    return _BOOLS.get(v.lower()) if isinstance(v, str) else None


def _looks_like_time(text: str) -> bool:
    # Cheap pre-check so plain strings (countries, names) skip ISO parsing.
    return len(text) >= 10 and text[:4].isdigit() and text[4] == "-"
