"""Card definitions as the evaluator holds them, and one player's evaluation and diff."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from card_svc.domain.compiled import (
    Check,
    NextChange,
    clock_ms_of,
    compile_next_change,
    compile_rule,
)
from card_svc.domain.facts import StateFacts
from card_svc.domain.profile import ms_to_dt
from card_svc.domain.state import PlayerState
from segshared.rules import (
    CardRule,
    evaluate_card_rule,
    next_clock_change,
    parse_card_rule,
    rule_dependencies,
)

RULE, STATIC = "rule", "static"


@dataclass(frozen=True)
class CardDef:
    """One card: its rule (None for static lists) and what can change its result."""

    id: int
    revision: int
    kind: str
    rule: CardRule | None = None
    events: frozenset[str] = frozenset()
    clock_dependent: bool = False
    # Compiled forms of ``rule`` (None: evaluate the tree with segshared.rules).
    check: Check | None = field(default=None, compare=False, repr=False)
    next_change: NextChange | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(cls, *, id: int, revision: int, kind: str, rule: Any) -> CardDef:
        """Parse a stored definition (already validated when it was saved)."""
        if kind == STATIC:
            return cls(id=id, revision=revision, kind=STATIC)
        parsed = parse_card_rule(rule)
        deps = rule_dependencies(parsed)
        return cls(
            id=id,
            revision=revision,
            kind=RULE,
            rule=parsed,
            events=frozenset(deps.events),
            clock_dependent=bool(deps.clock_dependent),
            check=compile_rule(parsed),
            next_change=compile_next_change(parsed, _event_rows),
        )


def _event_rows(facts: StateFacts, event: str) -> list[list[Any]]:
    return facts.event_rows(event)


#: ``is_listed(card_id, player_id)``: membership of a static card.
IsListed = Callable[[int, str], bool]


@dataclass
class Evaluation:
    """A player's card set before and after evaluating some cards."""

    before: frozenset[int]
    after: frozenset[int]
    due_changed: bool = False
    entered: list[int] = field(default_factory=list)
    exited: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.entered or self.exited)


def holds(card: CardDef, facts: StateFacts, clock: datetime, is_listed: IsListed) -> bool:
    """Whether the player is a member of ``card`` at ``clock``."""
    if card.rule is None:
        return is_listed(card.id, facts.state.player_id)
    if card.check is not None:
        return card.check(facts, clock)
    return bool(evaluate_card_rule(card.rule, facts, clock))


def evaluate(
    state: PlayerState,
    cards: Iterable[CardDef],
    *,
    clock: datetime,
    is_listed: IsListed,
    facts: StateFacts | None = None,
) -> Evaluation:
    """Re-evaluate ``cards`` for one player; updates ``state.cards`` and ``state.due``."""
    facts = facts or StateFacts(state)
    before = frozenset(state.cards)
    due_before = dict(state.due)
    clock_ms = clock_ms_of(clock)
    for card in cards:
        if holds(card, facts, clock, is_listed):
            state.cards.add(card.id)
        else:
            state.cards.discard(card.id)
        if card.clock_dependent and card.rule is not None:
            if card.next_change is not None and clock_ms is not None:
                when_ms = card.next_change(facts, clock_ms)
                when = None if when_ms is None else ms_to_dt(when_ms)
            else:
                when = next_clock_change(card.rule, facts, clock)
            _set_due(state, card, when, clock)
    after = frozenset(state.cards)
    return Evaluation(
        before=before,
        after=after,
        due_changed=state.due != due_before,
        entered=sorted(after - before),
        exited=sorted(before - after),
    )


def _set_due(state: PlayerState, card: CardDef, when: datetime | None, clock: datetime) -> None:
    # A change "at or before now" would be popped again at once: only future instants count.
    if when is None or when <= clock:
        state.due.pop(card.id, None)
    else:
        state.due[card.id] = math.ceil(when.timestamp() * 1000)


def forget_cards(state: PlayerState, live: Mapping[int, CardDef]) -> list[int]:
    """Drop deleted cards from the player's state; returns the ids dropped."""
    gone = sorted(c for c in state.cards | set(state.due) if c not in live)
    for card_id in gone:
        state.cards.discard(card_id)
        state.due.pop(card_id, None)
    return gone


def due_at(state: PlayerState) -> int | None:
    """Stream time (ms) at which some clock-dependent card of this player may flip."""
    return min(state.due.values()) if state.due else None


def affected_cards(cards: Iterable[CardDef], event_types: set[str]) -> list[CardDef]:
    """Rule cards that events of these types can change."""
    return [c for c in cards if c.rule is not None and not c.events.isdisjoint(event_types)]
