"""Reducing a batch of card membership changes to one unit of work per player."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from segment_svc.domain.events import iso_utc
from segshared.contracts import CardMembershipChanged


@dataclass(slots=True)
class PlayerWork:
    """What a batch asks of one player: their latest card set and the cards that changed."""

    player_id: str
    shard: int
    cards: frozenset[int]
    cause: str
    cause_event_id: str
    occurred_at: str
    changed: set[int] = field(default_factory=set)


def per_player(events: Iterable[tuple[int, CardMembershipChanged]]) -> dict[str, PlayerWork]:
    """Latest event per player, in the order given (partition order), with every changed card.

    Each event's ``cards`` is the player's whole card set after that change, so the last one
    alone decides the player's memberships; the earlier ones only widen what to re-evaluate.
    """
    work: dict[str, PlayerWork] = {}
    for shard, event in events:
        item = work.get(event.player_id)
        changed = item.changed if item is not None else set()
        changed.add(event.card_id)
        work[event.player_id] = PlayerWork(
            player_id=event.player_id,
            shard=shard,
            cards=frozenset(event.cards),
            cause=event.cause,
            cause_event_id=event.event_id,
            occurred_at=iso_utc(event.occurred_at),
            changed=changed,
        )
    return work
