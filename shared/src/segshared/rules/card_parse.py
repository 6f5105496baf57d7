"""JSON document <-> card rule model. Structure only; meaning is checked by validate_card_rule."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any, cast

from segshared.fields import TIME_PROPERTY
from segshared.rules.card_model import (
    FNS,
    OPS,
    UNITS,
    CardRule,
    FieldCondition,
    Fn,
    Group,
    Metric,
    MetricCondition,
    Op,
    Operand,
    RelativeTime,
    TimeUnit,
    Value,
)
from segshared.rules.errors import RuleError

# A guard against documents nested deep enough to exhaust the stack; the
# configurable, much lower limit is validate_card_rule's max_depth.
_MAX_NESTING = 64
# Keeps every duration far inside datetime's range (100 years).
_MAX_SPAN = timedelta(days=36_500)
_RULE_SHAPES = '{"all": [...]}, {"any": [...]}, {"field": ...} or {"metric": ...}'


def parse_card_rule(doc: Any, *, path: str = "rule") -> CardRule:
    """The rule model of a JSON document; RuleError names the first malformed node."""
    return _rule(doc, path, 1)


def _rule(doc: Any, path: str, depth: int) -> CardRule:
    if depth > _MAX_NESTING:
        raise RuleError(path, f"rules nest deeper than {_MAX_NESTING} levels")
    if not isinstance(doc, dict):
        raise RuleError(path, f"a rule must be an object: {_RULE_SHAPES}")
    kinds = [k for k in ("all", "any", "field", "metric") if k in doc]
    if len(kinds) != 1:
        found = f"; found {' and '.join(kinds)}" if kinds else ""
        raise RuleError(path, f"a rule needs exactly one of all, any, field, metric{found}")
    kind = kinds[0]
    if kind in ("all", "any"):
        _only_keys(doc, {kind}, path)
        items = doc[kind]
        if not isinstance(items, list):
            raise RuleError(f"{path}.{kind}", f"{kind} takes a list of rules")
        rules = tuple(_rule(r, f"{path}.{kind}[{i}]", depth + 1) for i, r in enumerate(items))
        return Group("all" if kind == "all" else "any", rules)
    _only_keys(doc, {kind, "op", "value"}, path)
    op = _op(doc.get("op"), f"{path}.op")
    value = _value(doc["value"], f"{path}.value") if "value" in doc else None
    if kind == "metric":
        return MetricCondition(_metric(doc["metric"], f"{path}.metric"), op, value)
    name = doc["field"]
    if not isinstance(name, str) or not name:
        raise RuleError(f"{path}.field", 'field must be a field name, e.g. "country"')
    return FieldCondition(name, op, value)


def _only_keys(doc: dict[Any, Any], allowed: set[str], path: str) -> None:
    for key in doc:
        if key not in allowed:
            raise RuleError(
                f"{path}.{key}", f"unknown key; allowed here: {', '.join(sorted(allowed))}"
            )


def _op(raw: Any, path: str) -> Op:
    if raw not in OPS:
        got = "missing" if raw is None else f"got {raw!r}"
        raise RuleError(path, f"op must be one of {', '.join(OPS)} ({got})")
    return cast(Op, raw)


def _value(raw: Any, path: str) -> Value:
    if isinstance(raw, list):
        return tuple(_operand(item, f"{path}[{i}]") for i, item in enumerate(raw))
    return _operand(raw, path)


def _operand(raw: Any, path: str) -> Operand:
    if raw is None:
        raise RuleError(path, "null is not a value; test a missing value with op not_exists")
    if isinstance(raw, bool | str | int):
        return raw
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise RuleError(path, "numbers must be finite")
        return raw
    if isinstance(raw, dict):
        _only_keys(raw, {"ago", "unit"}, path)
        return RelativeTime(_count(raw.get("ago"), raw, f"{path}.ago", 0), _unit(raw, path))
    if isinstance(raw, list):
        raise RuleError(path, "lists do not nest")
    raise RuleError(path, 'a value is a number, string, boolean or {"ago": N, "unit": ...}')


def _unit(doc: dict[Any, Any], path: str) -> TimeUnit:
    unit = doc.get("unit")
    if unit not in UNITS:
        raise RuleError(f"{path}.unit", f"unit must be one of {', '.join(UNITS)}")
    return cast(TimeUnit, unit)


def _count(raw: Any, doc: dict[Any, Any], path: str, least: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < least:
        raise RuleError(path, f"must be a whole number >= {least}")
    unit = doc.get("unit")
    if unit in UNITS and raw * UNITS[unit] > _MAX_SPAN:
        raise RuleError(path, f"must span at most {_MAX_SPAN.days} days")
    return raw


def _metric(raw: Any, path: str) -> Metric:
    if not isinstance(raw, dict):
        raise RuleError(path, 'metric must be an object: {"fn": ..., "event": ...}')
    _only_keys(raw, {"fn", "event", "property", "window"}, path)
    fn = raw.get("fn")
    if fn not in FNS:
        raise RuleError(f"{path}.fn", f"fn must be one of {', '.join(FNS)}")
    event = raw.get("event")
    if not isinstance(event, str) or not event:
        raise RuleError(f"{path}.event", 'event must be an event name, e.g. "bet_placed"')
    prop = raw.get("property")
    if prop is not None and (not isinstance(prop, str) or not prop):
        raise RuleError(f"{path}.property", 'property must be a property name, e.g. "amount"')
    if prop is None and fn in ("first", "last"):
        prop = TIME_PROPERTY  # the documented default, explicit so facts need not know it
    return Metric(cast(Fn, fn), event, prop, _window(raw.get("window"), f"{path}.window"))


def _window(raw: Any, path: str) -> timedelta | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise RuleError(path, 'window must be {"last": N, "unit": "minutes"|"hours"|"days"}')
    _only_keys(raw, {"last", "unit"}, path)
    unit = _unit(raw, path)
    return _count(raw.get("last"), raw, f"{path}.last", 1) * UNITS[unit]
