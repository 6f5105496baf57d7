"""Evaluation of a card rule for one player at one stream clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from segshared.rules.card_model import CardRule, Condition, FieldCondition, Group
from segshared.rules.compare import holds


class PlayerFacts(Protocol):
    """What evaluation reads about one player; values are typed (fields.decode_field_value)."""

    def field(self, name: str) -> Any:
        """The player's field value, None when missing."""
        ...

    def metric(
        self, fn: str, event: str, property: str | None, window: timedelta | None, clock: datetime
    ) -> Any:
        """The metric over the events in `window` at `clock` (see rules.metrics.compute_metric)."""
        ...

    def event_times(self, event: str) -> Sequence[datetime]:
        """Ascending occurred_at of the retained events of metric kind `event` (bet_won too)."""
        ...


def evaluate_card_rule(rule: CardRule, facts: PlayerFacts, clock: datetime) -> bool:
    """Whether the player matches `rule` at stream clock `clock` (a validated rule)."""
    if isinstance(rule, Group):
        results = (evaluate_card_rule(r, facts, clock) for r in rule.rules)
        return all(results) if rule.kind == "all" else any(results)
    return holds(rule.op, condition_value(rule, facts, clock), rule.value, clock)


def condition_value(cond: Condition, facts: PlayerFacts, clock: datetime) -> Any:
    """The actual value a condition compares."""
    if isinstance(cond, FieldCondition):
        return facts.field(cond.field)
    m = cond.metric
    return facts.metric(m.fn, m.event, m.property, m.window, clock)
