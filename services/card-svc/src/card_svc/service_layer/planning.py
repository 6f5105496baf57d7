"""Turning one player's evaluation into what the commit script writes."""

from __future__ import annotations

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
    state = facts.state
    return Commit(
        p=p,
        state=state,
        profile=encode_profile(facts.profile) if with_profile else {},
        due_ms=due_at(state),
        add=evaluation.entered,
        remove=evaluation.exited,
        outbox=membership_events(state.player_id, evaluation, why),
    )
