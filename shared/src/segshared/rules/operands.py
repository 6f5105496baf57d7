"""Which operators and values fit which type of field or metric."""

from __future__ import annotations

import json
from dataclasses import dataclass

from segshared.fields import FieldType
from segshared.rules.card_model import (
    LIST_OPS,
    ORDER_OPS,
    PRESENCE_OPS,
    Op,
    Operand,
    RelativeTime,
    Value,
    parse_instant,
)
from segshared.rules.errors import RuleError

_EXPECT = {
    "number": "a number",
    "bool": "true or false",
    "string": "a string",
    "instant": "an ISO 8601 time like 2024-01-31T00:00:00Z",
    "relative": '{"ago": N, "unit": "days"}',
}


@dataclass(frozen=True, slots=True)
class Subject:
    """What a condition compares: `loose` text (custom attributes) also compares as number/time."""

    name: str
    type: FieldType
    loose: bool = False


def kinds_for(subject: Subject, op: Op) -> tuple[str, ...]:
    """Operand kinds `op` accepts on `subject`; empty when the operator does not apply."""
    ordered = op in ORDER_OPS or op == "between"
    kind = subject.type
    if kind == "boolean":
        return () if ordered else ("bool",)
    if kind in ("number", "integer"):
        return ("number",)
    if kind == "datetime":
        return ("instant",) if op in LIST_OPS else ("instant", "relative")
    if not subject.loose:
        return () if ordered else ("string",)
    # Custom attributes arrive as strings, numbers or booleans and are stored as text.
    return ("number", "instant", "relative") if ordered else ("string", "number", "bool")


def check_operands(subject: Subject, op: Op, value: Value, path: str, max_items: int) -> None:
    """Raise RuleError unless `value` suits `op` on `subject`."""
    vpath = f"{path}.value"
    if op in PRESENCE_OPS:
        if value is not None:
            raise RuleError(vpath, f"{op} takes no value; remove value")
        return
    kinds = kinds_for(subject, op)
    if not kinds:
        fix = "eq, ne, in or not_in"
        raise RuleError(
            f"{path}.op", f"{op} does not apply to {subject.name} ({subject.type}); use {fix}"
        )
    if value is None:
        raise RuleError(vpath, f"{op} needs a value")
    if op in LIST_OPS:
        if not isinstance(value, tuple) or not value:
            raise RuleError(vpath, f'{op} needs a non-empty list of values, e.g. ["DE", "AT"]')
        if len(value) > max_items:
            raise RuleError(vpath, f"{op} takes at most {max_items} values")
        for i, item in enumerate(value):
            _kind(subject, kinds, item, f"{vpath}[{i}]")
        return
    if op == "between":
        if not isinstance(value, tuple) or len(value) != 2:
            raise RuleError(vpath, "between needs a list [low, high]")
        _check_range(subject, kinds, value[0], value[1], vpath)
        return
    if isinstance(value, tuple):
        raise RuleError(vpath, f"{op} compares with one value, not a list; use in or between")
    _kind(subject, kinds, value, vpath)


def _kind(subject: Subject, kinds: tuple[str, ...], operand: Operand, path: str) -> str:
    if isinstance(operand, bool):
        found = "bool"
    elif isinstance(operand, int | float):
        found = "number"
    elif isinstance(operand, RelativeTime):
        found = "relative"
    elif "string" in kinds:
        found = "string"
    else:
        found = "instant" if parse_instant(operand) is not None else "string"
    if found not in kinds:
        expected = " or ".join(_EXPECT[k] for k in kinds)
        raise RuleError(
            path, f"{subject.name} is {subject.type}: use {expected}, not {show(operand)}"
        )
    return found


def _check_range(
    subject: Subject, kinds: tuple[str, ...], lo: Operand, hi: Operand, path: str
) -> None:
    lo_kind = _kind(subject, kinds, lo, f"{path}[0]")
    hi_kind = _kind(subject, kinds, hi, f"{path}[1]")
    if (lo_kind == "number") != (hi_kind == "number"):
        raise RuleError(path, "low and high must both be numbers or both be times")
    ordered = True
    if isinstance(lo, RelativeTime) and isinstance(hi, RelativeTime):
        ordered = lo.delta >= hi.delta  # further ago is earlier
    elif lo_kind == hi_kind == "instant" and isinstance(lo, str) and isinstance(hi, str):
        lo_at, hi_at = parse_instant(lo), parse_instant(hi)
        ordered = lo_at is None or hi_at is None or lo_at <= hi_at
    elif isinstance(lo, int | float) and isinstance(hi, int | float):
        ordered = lo <= hi
    if not ordered:
        raise RuleError(
            path, f"between needs [low, high] with low <= high, not [{show(lo)}, {show(hi)}]"
        )


def show(operand: Operand) -> str:
    """An operand as the JSON the user wrote."""
    if isinstance(operand, RelativeTime):
        return json.dumps({"ago": operand.ago, "unit": operand.unit})
    return json.dumps(operand)
