"""Membership changes: emitted through the Redis outbox, keyed by player id."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from segshared.contracts.envelope import Envelope, PlayerId

Change = Literal["entered", "exited"]
Cause = Literal["event", "clock", "backfill", "upload", "definition", "delete"]


class CardMembershipChanged(Envelope):
    """A player entered or left a card.

    ``cards`` is the player's whole card set after the evaluation that produced this change,
    so a consumer can evaluate segments from the event alone, in partition order.
    """

    type: Literal["card_membership_changed"] = "card_membership_changed"
    player_id: PlayerId
    card_id: int
    change: Change
    cards: list[int] = Field(default_factory=list)
    cause: Cause = "event"
    cause_event_id: str | None = None


class SegmentMembershipChanged(Envelope):
    """A player entered or exited a segment."""

    type: Literal["segment_membership_changed"] = "segment_membership_changed"
    player_id: PlayerId
    segment_id: int
    change: Change
    cause: Cause = "event"
    cause_event_id: str | None = None
