"""Membership change events with ids derived from their cause, so redelivery dedupes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from card_svc.domain.cards import Evaluation
from segshared.contracts import CardMembershipChanged, encode

Cause = Literal["event", "clock", "backfill", "upload", "definition", "delete"]


@dataclass(frozen=True, slots=True)
class ChangeCause:
    """Why cards were re-evaluated: ``cause_id`` goes into every change id."""

    cause: Cause
    cause_id: str
    occurred_at: datetime


def event_cause(event_id: str, occurred_at: datetime) -> ChangeCause:
    """A player event changed the player's figures."""
    return ChangeCause("event", event_id, occurred_at)


def clock_cause(due_ms: int, player_id: str, occurred_at: datetime) -> ChangeCause:
    """The stream clock passed the player's due time."""
    return ChangeCause("clock", f"clock:{due_ms}:{player_id}", occurred_at)


def backfill_cause(
    card_id: int, revision: int, player_id: str, occurred_at: datetime, *, static: bool = False
) -> ChangeCause:
    """A card was created or edited (an upload for static lists)."""
    cause: Cause = "upload" if static else "backfill"
    return ChangeCause(cause, f"backfill:{card_id}:{revision}:{player_id}", occurred_at)


def delete_cause(card_id: int, player_id: str, occurred_at: datetime) -> ChangeCause:
    """A card was deleted: its members exit."""
    return ChangeCause("delete", f"delete:{card_id}:{player_id}", occurred_at)


def change_event_id(card_id: int, change: str, cause_id: str) -> str:
    """``card:<card_id>:<change>:<cause id>`` (docs/BRIEF.md conventions)."""
    return f"card:{card_id}:{change}:{cause_id}"


def membership_events(player_id: str, evaluation: Evaluation, why: ChangeCause) -> list[bytes]:
    """The encoded CardMembershipChanged events of one evaluation, exits first."""
    cards = sorted(evaluation.after)
    out: list[bytes] = []
    for change, ids in (("exited", evaluation.exited), ("entered", evaluation.entered)):
        for card_id in ids:
            event = CardMembershipChanged(
                event_id=change_event_id(card_id, change, why.cause_id),
                version=1,
                occurred_at=why.occurred_at,
                player_id=player_id,
                card_id=card_id,
                change=change,  # type: ignore[arg-type]
                cards=cards,
                cause=why.cause,
                cause_event_id=why.cause_id,
            )
            out.append(encode(event))
    return out
