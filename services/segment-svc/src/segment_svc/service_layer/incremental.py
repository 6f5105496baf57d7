"""Applying a batch of ``card.membership`` records to the segments of their players."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import orjson

from segment_svc.domain.batch import CardEvent, group_per_player, new_work
from segment_svc.domain.catalogue import Catalogue
from segment_svc.domain.changes import PlayerChanges, PlayerState, SetChange
from segment_svc.domain.decoding import decode_card_change
from segment_svc.domain.evaluation import evaluate_player
from segment_svc.domain.events import change_of, incremental_event_id, iso_utc, membership_event
from segshared.contracts import DecodeError
from segshared.dlq import DeadLetterSink
from segshared.partitioning import partition_for
from segshared.topics import CARD_MEMBERSHIP


@dataclass(frozen=True, slots=True)
class Record:
    """One consumed record, as the broker delivered it."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


class RecordLike(Protocol):
    """What a batch reads of a consumed record (a ``Record`` or the client's own record)."""

    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    records: int
    dead_letters: int
    players: int
    events: int


class Memberships(Protocol):
    async def states(
        self, players: Sequence[tuple[int, str, Sequence[bytes]]]
    ) -> list[PlayerState]: ...

    async def apply(self, batch: Sequence[PlayerChanges]) -> int: ...


async def process_batch(
    *,
    records: Sequence[RecordLike],
    catalogue: Catalogue,
    memberships: Memberships,
    dead_letters: DeadLetterSink,
    partitions: int,
) -> BatchOutcome:
    """Decode, reduce per player, evaluate the affected segments, apply in one round trip."""
    decoded: list[tuple[int, CardEvent]] = []
    rejected = 0
    for record in records:
        try:
            event = decode_card_change(record.value)
            shard = partition_for(event.player_id, partitions)
            if shard != record.partition:
                # Its Redis shard is another worker's: processing it here would race them.
                raise DecodeError("wrong_partition", f"player belongs to partition {shard}")
        except DecodeError as exc:
            rejected += 1
            await dead_letters.send(
                topic=CARD_MEMBERSHIP,
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                value=record.value,
                reason=exc.reason,
                detail=exc.detail,
            )
            continue
        decoded.append((shard, event))
    groups = list(group_per_player(decoded).values())
    states = await memberships.states([(g.shard, g.player_id, g.marks) for g in groups])
    batch: list[PlayerChanges] = []
    for group, state in zip(groups, states, strict=True):
        work = new_work(group, state.applied)
        if work is None:
            continue  # every event of this player was applied already: a redelivery
        current = set(state.segments)
        set_changes: list[SetChange] = []
        for step in work.steps:
            affected = catalogue.affected_by_card(step.card_id)
            if not affected:
                continue
            moves = evaluate_player(affected, cards=frozenset(step.cards),
                                    current=frozenset(current))  # fmt: skip
            at = iso_utc(step.occurred_at) if moves else ""
            for sid, enter in moves:
                set_changes.append(_change(work.player_id, step, at, sid, enter))
                if enter:
                    current.add(sid)
                else:
                    current.discard(sid)
        batch.append(PlayerChanges(work.player_id, work.shard, set_changes, work.applied))
    events = await memberships.apply(batch)
    return BatchOutcome(len(records), rejected, len(groups), events)


def _change(player_id: str, step: CardEvent, at: str, segment_id: int, enter: bool) -> SetChange:
    change = change_of(enter)
    doc = membership_event(
        event_id=incremental_event_id(segment_id, change, step.event_id),
        occurred_at=at,
        player_id=player_id,
        segment_id=segment_id,
        change=change,
        cause=step.cause,
        cause_event_id=step.event_id,
    )
    return SetChange(segment_id, enter, orjson.dumps(doc))
