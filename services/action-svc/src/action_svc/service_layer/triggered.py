"""Triggered actions: membership changes (segment or card) -> dispatches, now or later."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from action_svc.adapters.dispatch_log import DispatchLog
from action_svc.adapters.dispatch_store import DispatchStore
from action_svc.adapters.trigger_store import TriggerStore, Waiting
from action_svc.domain.idempotency import triggered_occurrence
from action_svc.service_layer.catalogue import Catalogue
from action_svc.service_layer.dispatching import Candidate, dispatch
from segshared.contracts.codec import DecodeError, decode_contract
from segshared.contracts.envelope import to_epoch_ms
from segshared.contracts.membership import CardMembershipChanged, SegmentMembershipChanged
from segshared.dlq import DeadLetterSink
from segshared.topics import CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP

_CONTRACTS: dict[str, tuple[str, str, type[Any], dict[str, int]]] = {
    SEGMENT_MEMBERSHIP: ("segment", "segment_id", SegmentMembershipChanged,
                         {"segment_membership_changed": 1}),
    CARD_MEMBERSHIP: ("card", "card_id", CardMembershipChanged, {"card_membership_changed": 1}),
}  # fmt: skip


async def process_membership_batch(
    records: Sequence[Any],
    *,
    catalogue: Catalogue,
    store: DispatchStore,
    triggers: TriggerStore,
    log: DispatchLog,
    dead_letters: DeadLetterSink,
    now: datetime,
) -> Counter[str]:
    """Dispatch what the batch's membership changes fire; returns counts of outcomes."""
    now_ms = to_epoch_ms(now)
    immediate: list[Candidate] = []
    delayed: list[tuple[Waiting, int]] = []
    missed: list[Waiting] = []
    for record in records:
        kind, id_field, contract, known = _CONTRACTS[record.topic]
        try:
            doc = orjson.loads(record.value)
            # Most changes fire nothing: look the target up before validating the whole event.
            fired = catalogue.triggers.get((kind, int(doc[id_field]), str(doc["change"])), ())
            if not fired:
                continue
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            fired = ()  # unreadable: the contract check below says why
        try:
            event = decode_contract(record.value, contract, known)
        except DecodeError as exc:
            await dead_letters.send(
                topic=record.topic, partition=record.partition, offset=record.offset,
                key=record.key, value=record.value, reason=exc.reason, detail=exc.detail,
            )  # fmt: skip
            continue
        occurrence = triggered_occurrence(event.event_id)
        for action in fired:
            if not action.in_window(now):
                continue
            waiting = Waiting(action.id, record.partition, event.player_id, occurrence,
                              event.change, event.event_id)  # fmt: skip
            delay_s = action.spec.trigger.delay_s if action.spec.trigger else 0
            if not action.active:
                missed.append(waiting)
            elif delay_s > 0:
                delayed.append((waiting, now_ms + delay_s * 1000))
            else:
                immediate.append(candidate(action_of=catalogue, waiting=waiting))
    counts = await dispatch(immediate, store=store, now=now)
    await triggers.delay(delayed)
    await triggers.keep_missed(missed)
    for waiting in missed:
        await log.record(
            shard=waiting.shard, action_id=waiting.action_id,
            key=candidate(action_of=catalogue, waiting=waiting).key,
            player_id=waiting.player_id, outcome="missed", reason="action paused",
            occurrence=waiting.occurrence,
        )  # fmt: skip
    counts["delayed"] += len(delayed)
    counts["missed"] += len(missed)
    return counts


def candidate(*, action_of: Catalogue, waiting: Waiting) -> Candidate:
    """The candidate a waiting trigger stands for (its action must be in the catalogue)."""
    return Candidate(
        action=action_of.actions[waiting.action_id], shard=waiting.shard,
        player_id=waiting.player_id, occurrence=waiting.occurrence, reason=waiting.reason,
        cause_event_id=waiting.cause_event_id,
    )  # fmt: skip
