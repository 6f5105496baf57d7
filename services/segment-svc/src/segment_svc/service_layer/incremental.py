"""Applying a batch of ``card.membership`` records to the segments of their players."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import orjson

from segment_svc.domain.batch import PlayerWork, per_player
from segment_svc.domain.catalogue import Catalogue
from segment_svc.domain.changes import PlayerChanges, SetChange
from segment_svc.domain.decoding import decode_card_membership
from segment_svc.domain.evaluation import evaluate_player
from segment_svc.domain.events import change_of, incremental_event_id, membership_event
from segshared.contracts import CardMembershipChanged, DecodeError
from segshared.partitioning import partition_for
from segshared.topics import CARD_MEMBERSHIP


@dataclass(frozen=True, slots=True)
class Record:
    """One consumed record, as the broker delivered it."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    records: int
    dead_letters: int
    players: int
    events: int


class Memberships(Protocol):
    async def segments_of(self, players: Sequence[tuple[int, str]]) -> list[frozenset[int]]: ...

    async def apply(self, batch: Sequence[PlayerChanges]) -> int: ...


class DeadLetterSink(Protocol):
    async def send(
        self,
        *,
        topic: str,
        partition: int | None,
        offset: int | None,
        key: bytes | None,
        value: bytes | None,
        reason: str,
        detail: str,
    ) -> None: ...


async def process_batch(
    *,
    records: Sequence[Record],
    catalogue: Catalogue,
    memberships: Memberships,
    dead_letters: DeadLetterSink,
    partitions: int,
) -> BatchOutcome:
    """Decode, reduce per player, evaluate the affected segments, apply in one round trip."""
    decoded: list[tuple[int, CardMembershipChanged]] = []
    rejected = 0
    for record in records:
        try:
            event = decode_card_membership(record.value)
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
    work = per_player(decoded)
    todo = [(w, catalogue.affected(frozenset(w.changed))) for w in work.values()]
    todo = [(w, affected) for w, affected in todo if affected]
    current = await memberships.segments_of([(w.shard, w.player_id) for w, _ in todo])
    batch: list[PlayerChanges] = []
    for (w, affected), segments in zip(todo, current, strict=True):
        changes = evaluate_player(affected, cards=w.cards, current=segments)
        if changes:
            batch.append(PlayerChanges(w.player_id, w.shard, [_change(w, *c) for c in changes]))
    events = await memberships.apply(batch)
    return BatchOutcome(len(records), rejected, len(work), events)


def _change(work: PlayerWork, segment_id: int, enter: bool) -> SetChange:
    change = change_of(enter)
    doc = membership_event(
        event_id=incremental_event_id(segment_id, change, work.cause_event_id),
        occurred_at=work.occurred_at,
        player_id=work.player_id,
        segment_id=segment_id,
        change=change,
        cause=work.cause,
        cause_event_id=work.cause_event_id,
    )
    return SetChange(segment_id, enter, orjson.dumps(doc))
