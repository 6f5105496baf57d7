"""Card rule model -> its canonical JSON document (the inverse of parse_card_rule)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from segshared.rules.card_model import UNITS, CardRule, FieldCondition, Group, RelativeTime, Value


def card_rule_to_doc(rule: CardRule) -> dict[str, Any]:
    """The canonical JSON document of a rule (inverse of parse_card_rule)."""
    if isinstance(rule, Group):
        return {rule.kind: [card_rule_to_doc(r) for r in rule.rules]}
    doc: dict[str, Any]
    if isinstance(rule, FieldCondition):
        doc = {"field": rule.field, "op": rule.op}
    else:
        m = rule.metric
        metric: dict[str, Any] = {"fn": m.fn, "event": m.event}
        if m.property is not None:
            metric["property"] = m.property
        if m.window is not None:
            metric["window"] = _span_doc(m.window, "last")
        doc = {"metric": metric, "op": rule.op}
    if rule.value is not None:
        doc["value"] = _value_doc(rule.value)
    return doc


def _span_doc(span: timedelta, key: str) -> dict[str, Any]:
    for unit in ("days", "hours", "minutes"):
        if span % UNITS[unit] == timedelta(0):
            return {key: span // UNITS[unit], "unit": unit}
    raise ValueError(f"{span} is not a whole number of minutes")


def _value_doc(value: Value) -> Any:
    if isinstance(value, tuple):
        return [_value_doc(v) for v in value]
    if isinstance(value, RelativeTime):
        return {"ago": value.ago, "unit": value.unit}
    return value
