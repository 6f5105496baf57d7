"""Turning one player's evaluation into what the commit script writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from card_svc.adapters.state_store import Commit
from card_svc.domain.cards import Evaluation, due_at
from card_svc.domain.changes import ChangeCause, membership_events
from card_svc.domain.facts import StateFacts
from card_svc.domain.profile import encode_profile
from card_svc.domain.state import PlayerState


@dataclass(frozen=True)
class Retention:
    """How far back history and dedupe ids are kept (one horizon, ms)."""

    ms: int

    def prune(self, state: PlayerState, clock_ms: int) -> None:
        state.prune(history_before_ms=clock_ms - self.ms, horizon_ms=self.ms)


def plan_commit(
    *,
    p: int,
    facts: StateFacts,
    evaluation: Evaluation,
    why: ChangeCause,
    with_profile: bool,
) -> Commit:
    """The commit of one player: state, profile (when its figures moved), sets and events."""
    return plan_steps(p=p, facts=facts, steps=[(evaluation, why)], with_profile=with_profile)


def plan_steps(
    *,
    p: int,
    facts: StateFacts,
    steps: Sequence[tuple[Evaluation, ChangeCause]],
    with_profile: bool,
) -> Commit:
    """The commit of one player evaluated after each of several events, in order: the sets
    move by the net change, and every step's entries and exits are events of their own."""
    state = facts.state
    before, after = steps[0][0].before, steps[-1][0].after
    return Commit(
        p=p,
        state=state,
        profile=encode_profile(facts.profile) if with_profile else {},
        due_ms=due_at(state),
        add=sorted(after - before),
        remove=sorted(before - after),
        outbox=[e for ev, why in steps for e in membership_events(state.player_id, ev, why)],
    )
