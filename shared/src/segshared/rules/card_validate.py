"""Meaning checks of a parsed card rule: names, types, operators, limits."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import timedelta

from segshared.fields import FIELDS, METRIC_EVENTS, TIME_PROPERTY, field_spec
from segshared.rules.card_model import (
    CardRule,
    Condition,
    FieldCondition,
    Group,
    Metric,
)
from segshared.rules.errors import RuleError
from segshared.rules.operands import Subject, check_operands


def validate_card_rule(
    rule: CardRule,
    *,
    max_depth: int = 8,
    max_conditions: int = 100,
    max_window: timedelta = timedelta(days=90),
    max_list_items: int = 1000,
    path: str = "rule",
) -> None:
    """Raise RuleError naming the first node that cannot be evaluated as meant."""
    conditions = 0
    stack: list[tuple[str, CardRule, int]] = [(path, rule, 1)]
    while stack:  # pre-order, so the first error reported is the first in the document
        here, node, depth = stack.pop()
        if depth > max_depth:
            raise RuleError(here, f"rules nest more than {max_depth} levels; flatten the groups")
        if isinstance(node, Group):
            if not node.rules:
                raise RuleError(here, f"an {node.kind} group needs at least one rule")
            children = [
                (f"{here}.{node.kind}[{i}]", r, depth + 1) for i, r in enumerate(node.rules)
            ]
            stack.extend(reversed(children))
            continue
        conditions += 1
        if conditions > max_conditions:
            raise RuleError(
                here, f"a rule may have at most {max_conditions} conditions; split the card"
            )
        _check_condition(node, here, max_window, max_list_items)


def _check_condition(cond: Condition, path: str, max_window: timedelta, max_items: int) -> None:
    if isinstance(cond, FieldCondition):
        subject = _field_subject(cond.field, f"{path}.field")
    else:
        subject = _metric_subject(cond.metric, f"{path}.metric", max_window)
    check_operands(subject, cond.op, cond.value, path, max_items)


def _field_subject(name: str, path: str) -> Subject:
    spec = field_spec(name)
    if spec is None:
        hint = _hint(name, (f.name for f in FIELDS))
        raise RuleError(
            path, f"unknown field {name!r}{hint}; custom attributes are attributes.<name>"
        )
    if not spec.filterable:
        raise RuleError(path, f"field {name} cannot be used in rules")
    return Subject(f"field {name}", spec.type, loose=spec.group == "custom")


def _metric_subject(metric: Metric, path: str, max_window: timedelta) -> Subject:
    fn, event, prop = metric.fn, metric.event, metric.property
    if event not in METRIC_EVENTS:
        hint = _hint(event, METRIC_EVENTS)
        raise RuleError(
            f"{path}.event", f"unknown event {event!r}{hint}; one of {', '.join(METRIC_EVENTS)}"
        )
    numeric = METRIC_EVENTS[event]
    if metric.window is not None and metric.window > max_window:
        raise RuleError(
            f"{path}.window",
            f"window {_span(metric.window)} exceeds the maximum {_span(max_window)}",
        )
    name = f"{fn} of {event}" + (f".{prop}" if prop else "")
    if fn == "count":
        if prop is not None:
            raise RuleError(f"{path}.property", "count takes no property; remove it")
        return Subject(name, "integer")
    if prop is not None and prop not in numeric and prop != TIME_PROPERTY:
        usable = ", ".join((*numeric, TIME_PROPERTY))
        raise RuleError(f"{path}.property", f"{event} has no property {prop!r}; use {usable}")
    if fn in ("sum", "min", "max") and (prop is None or prop == TIME_PROPERTY):
        fix = f"one of {', '.join(numeric)}" if numeric else "none exists, use count"
        raise RuleError(f"{path}.property", f"{fn} needs a numeric property of {event}: {fix}")
    return Subject(name, "datetime" if prop == TIME_PROPERTY else "number")


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _span(span: timedelta) -> str:
    for unit, size in (("day", timedelta(days=1)), ("hour", timedelta(hours=1))):
        if span % size == timedelta(0):
            count = span // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{span // timedelta(minutes=1)} minutes"
