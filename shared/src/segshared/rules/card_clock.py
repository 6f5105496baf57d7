"""When a card rule can change with no new event: windows emptying, relative dates passing."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from segshared.rules.card_eval import PlayerFacts, condition_value
from segshared.rules.card_model import (
    CardRule,
    Condition,
    MetricCondition,
    RelativeTime,
    as_utc,
    iter_conditions,
    operands,
    parse_instant,
)

#: Tick of the stream clock (epoch ms). A comparison like `v >= clock - N` stays true at the
#: boundary v + N and turns false just after it, so the boundary's next tick is a candidate too.
CLOCK_RESOLUTION = timedelta(milliseconds=1)


def next_clock_change(rule: CardRule, facts: PlayerFacts, clock: datetime) -> datetime | None:
    """The earliest instant > clock at which the rule could change with no new event, or None."""
    # May be early (an evaluation that changes nothing), never late. Callers schedule it rounded
    # *up* to the clock's millisecond, or the re-evaluation would run one tick too soon.
    best: datetime | None = None
    for _, cond in iter_conditions(rule):
        for moment in _candidates(cond, facts, clock):
            if moment > clock and (best is None or moment < best):
                best = moment
    return best


def _candidates(cond: Condition, facts: PlayerFacts, clock: datetime) -> Iterator[datetime]:
    if isinstance(cond, MetricCondition) and cond.metric.window is not None:
        yield from window_changes(facts.event_times(cond.metric.event), cond.metric.window, clock)
    relatives = [v for v in operands(cond.value) if isinstance(v, RelativeTime)]
    if relatives:
        actual = condition_value(cond, facts, clock)
        moment = as_utc(actual) if isinstance(actual, datetime) else None
        if isinstance(actual, str):
            moment = parse_instant(actual)
        if moment is not None:
            for rel in relatives:
                yield moment + rel.delta
                yield moment + rel.delta + CLOCK_RESOLUTION


def window_changes(
    times: Sequence[datetime], window: timedelta, clock: datetime
) -> Iterator[datetime]:
    """Next instants a window's content changes: its oldest event leaving, a later one entering."""
    start = bisect_right(times, clock - window)  # first event still inside (t > clock - window)
    if start < len(times):
        oldest = times[start]
        yield oldest + window if oldest <= clock else oldest
    later = bisect_right(times, clock)  # an event newer than the clock enters when it arrives
    if later < len(times):
        yield times[later]
