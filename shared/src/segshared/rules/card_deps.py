"""What a card rule depends on: which events can change it, and whether time alone can."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from segshared.fields import METRIC_SOURCES, field_sources
from segshared.rules.card_model import (
    CardRule,
    FieldCondition,
    Metric,
    RelativeTime,
    iter_conditions,
    operands,
)


@dataclass(frozen=True, slots=True)
class RuleDependencies:
    """Inputs of a rule: what can change its value for one player."""

    # events: contract event types (player.events `type`) whose arrival can change the value.
    #   A player's first event of any type can change every rule (a new player has no values
    #   yet), so evaluate all cards for a newly seen player.
    # windows: (metric event kind as written, e.g. "bet_won", window); retain those events at
    #   least that long. metrics: every metric the facts must answer.
    events: frozenset[str]
    fields: frozenset[str]
    windows: frozenset[tuple[str, timedelta]]
    relative_time: bool
    metrics: frozenset[Metric] = frozenset()

    @property
    def clock_dependent(self) -> bool:
        """Whether the rule's value can change as the clock moves with no new event."""
        return bool(self.windows) or self.relative_time


def rule_dependencies(rule: CardRule) -> RuleDependencies:
    """The dependencies of a validated rule."""
    events: set[str] = set()
    fields: set[str] = set()
    windows: set[tuple[str, timedelta]] = set()
    metrics: set[Metric] = set()
    relative = False
    for _, cond in iter_conditions(rule):
        if isinstance(cond, FieldCondition):
            fields.add(cond.field)
            events |= field_sources(cond.field)
        else:
            m = cond.metric
            metrics.add(m)
            events.add(METRIC_SOURCES.get(m.event, m.event))
            if m.window is not None:
                windows.add((m.event, m.window))
        relative = relative or any(isinstance(v, RelativeTime) for v in operands(cond.value))
    return RuleDependencies(
        events=frozenset(events),
        fields=frozenset(fields),
        windows=frozenset(windows),
        relative_time=relative,
        metrics=frozenset(metrics),
    )
