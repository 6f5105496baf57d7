"""Card rules compiled once per revision into closures (same results as segshared.rules).

Walking the rule tree, dispatching on node types and comparing through the generic
coercions for every condition of every evaluation dominated the worker's evaluation time.
A compiled rule resolves the tree once; numbers compare directly and everything else
(text, times, booleans, relative dates) goes through ``segshared.rules.compare.holds``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

from segshared.rules import CardRule
from segshared.rules.card_eval import PlayerFacts
from segshared.rules.card_model import (
    FieldCondition,
    Group,
    MetricCondition,
    RelativeTime,
    iter_conditions,
    operands,
)
from segshared.rules.compare import holds as generic_holds

#: ``check(facts, clock) -> bool``: whether the player matches the rule at ``clock``.
Check = Callable[[PlayerFacts, datetime], bool]
#: ``rows(facts, event)``: retained events of a metric kind, in time order, epoch ms first.
Rows = Callable[[Any, str], list[list[Any]]]
_time = itemgetter(0)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_NUMERIC_OPS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,  # NaN: incomparable values are unequal, as in compare.holds
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compile_condition(cond: FieldCondition | MetricCondition) -> Check:
    op, value = cond.op, cond.value
    if isinstance(cond, FieldCondition):
        name = cond.field

        def actual(facts: PlayerFacts, clock: datetime) -> Any:
            return facts.field(name)

    else:
        m = cond.metric
        fn, event, prop, window = m.fn, m.event, m.property, m.window

        def actual(facts: PlayerFacts, clock: datetime) -> Any:
            return facts.metric(fn, event, prop, window, clock)

    fast = _NUMERIC_OPS.get(op) if _is_number(value) else None
    if fast is None:

        def check(facts: PlayerFacts, clock: datetime) -> bool:
            return generic_holds(op, actual(facts, clock), value, clock)

        return check

    def numeric(facts: PlayerFacts, clock: datetime) -> bool:
        got = actual(facts, clock)
        if got is None:
            return op == "ne"
        if _is_number(got):
            return bool(fast(got, value))
        return generic_holds(op, got, value, clock)

    return numeric


def compile_rule(rule: CardRule) -> Check:
    """A closure equal to ``segshared.rules.evaluate_card_rule(rule, ...)``."""
    if not isinstance(rule, Group):
        return _compile_condition(rule)
    parts = tuple(compile_rule(r) for r in rule.rules)
    if rule.kind == "all":
        return lambda facts, clock: all(p(facts, clock) for p in parts)
    return lambda facts, clock: any(p(facts, clock) for p in parts)


def clock_ms_of(clock: datetime) -> int | None:
    """The clock as exact epoch ms, or None when it is not on a millisecond."""
    delta = clock - _EPOCH
    return delta // _MS if delta % _MS == timedelta(0) else None


#: ``next_change(facts, clock_ms) -> epoch ms | None``, see compile_next_change.
NextChange = Callable[[Any, int], int | None]


def compile_next_change(rule: CardRule, rows: Rows) -> NextChange | None:
    """Like ``segshared.rules.next_clock_change`` in exact epoch ms, or None when the rule
    has relative-date operands (those need the generic form)."""
    windows: list[tuple[str, int]] = []
    for _, cond in iter_conditions(rule):
        if any(isinstance(v, RelativeTime) for v in operands(cond.value)):
            return None
        if isinstance(cond, MetricCondition) and cond.metric.window is not None:
            if cond.metric.window % _MS:
                return None
            windows.append((cond.metric.event, cond.metric.window // _MS))
    if not windows:
        return lambda facts, clock_ms: None

    def next_change(facts: Any, clock_ms: int) -> int | None:
        best: int | None = None
        for event, window in windows:
            ts = rows(facts, event)
            start = bisect_right(ts, clock_ms - window, key=_time)  # first event still inside
            if start < len(ts):
                oldest = ts[start][0]
                moment = oldest + window if oldest <= clock_ms else oldest
                if moment > clock_ms and (best is None or moment < best):
                    best = moment
            later = bisect_right(ts, clock_ms, key=_time)  # newer than the clock: enters
            if later < len(ts):
                moment = ts[later][0]
                if moment > clock_ms and (best is None or moment < best):
                    best = moment
        return best

    return next_change
