"""Reducing a batch of card membership changes to one unit of work per player.

A card event already applied to a player (a consumer redelivery, or a duplicate from
card-svc's outbox relay) must not be applied again: its card set is history, and applying it
after newer ones would move the player back and forth. Each player's recently applied event
ids are remembered as short fingerprints, and a batch keeps only the events not among them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class CardEvent(Protocol):
    """What a batch reads of a card event (the contract's model or the decoder's fast form)."""

    @property
    def event_id(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def player_id(self) -> str: ...
    @property
    def card_id(self) -> int: ...
    @property
    def cards(self) -> Sequence[int]: ...
    @property
    def cause(self) -> str: ...


def fingerprint(event_id: str) -> bytes:
    """8 bytes standing for an event id (collisions among one player's recent ids: ~2^-60)."""
    return hashlib.blake2b(event_id.encode(), digest_size=8).digest()


@dataclass(slots=True)
class PlayerEvents:
    """A player's card events in one batch, in partition order, with their fingerprints."""

    player_id: str
    shard: int
    events: list[CardEvent] = field(default_factory=list)
    marks: list[bytes] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PlayerWork:
    """What a batch asks of one player: each new card event, in partition order."""

    player_id: str
    shard: int
    steps: tuple[CardEvent, ...]
    applied: tuple[bytes, ...]


def group_per_player(events: Iterable[tuple[int, CardEvent]]
                     ) -> dict[str, PlayerEvents]:  # fmt: skip
    """Events per player, keeping their order."""
    groups: dict[str, PlayerEvents] = {}
    for shard, event in events:
        group = groups.get(event.player_id)
        if group is None:
            group = groups[event.player_id] = PlayerEvents(event.player_id, shard)
        group.events.append(event)
        group.marks.append(fingerprint(event.event_id))
    return groups


def new_work(group: PlayerEvents, applied: Collection[bytes]) -> PlayerWork | None:
    """The work of the events not applied before, or None if every one was.

    Only events after the last already-applied one count: anything before it in partition
    order was delivered before it, so is a replay even if its fingerprint has aged out of the
    remembered ones. Every new event is a step of its own: segments are re-evaluated after
    each, from its ``cards`` (the player's whole card set after that change), so an entry and
    an exit that fall into one batch are both emitted, as they would be one batch apart.
    """
    start = 0
    for i, mark in enumerate(group.marks):
        if mark in applied:
            start = i + 1
    fresh: dict[bytes, CardEvent] = {}
    for event, mark in zip(group.events[start:], group.marks[start:], strict=True):
        fresh.setdefault(mark, event)
    if not fresh:
        return None
    return PlayerWork(group.player_id, group.shard, tuple(fresh.values()), tuple(fresh))
