"""One batch of player.events records: decode, fold, evaluate, commit (at-least-once).

The batch is committed to Redis before the consumer acknowledges it; running it again after
a crash changes nothing, since each player's state remembers the event ids it applied.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from card_svc.adapters.state_store import Commit
from card_svc.domain.cards import Evaluation, affected_cards, evaluate, forget_cards
from card_svc.domain.changes import ChangeCause, event_cause
from card_svc.domain.events import PlayerEventIn
from card_svc.domain.facts import StateFacts
from card_svc.domain.state import Outcome, PlayerState
from card_svc.service_layer.context import WorkerContext
from card_svc.service_layer.planning import plan_steps
from segshared.contracts import DecodeError, decode_player_event
from segshared.contracts.envelope import from_epoch_ms, to_epoch_ms
from segshared.partitioning import partition_for
from segshared.topics import PLAYER_EVENTS


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A consumed record: where it came from and its bytes."""

    partition: int
    offset: int | None
    key: bytes | None
    value: bytes | None


@dataclass
class BatchResult:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    committed: int = 0


def to_domain(model: Any) -> PlayerEventIn:
    """The domain's view of a decoded contract event."""
    return PlayerEventIn(
        event_id=model.event_id,
        type=model.type,
        player_id=model.player_id,
        t_ms=to_epoch_ms(model.occurred_at),
        data=model.data.model_dump(),
    )


async def _decode(
    records: list[RawRecord], ctx: WorkerContext, result: BatchResult
) -> dict[tuple[int, str], list[PlayerEventIn]]:
    grouped: dict[tuple[int, str], list[PlayerEventIn]] = defaultdict(list)
    dead: list[tuple[RawRecord, str, str]] = []
    for rec in records:
        try:
            event = to_domain(decode_player_event(rec.value))
        except DecodeError as exc:
            dead.append((rec, exc.reason, exc.detail))
            continue
        # A record outside its player's partition would split the player's state across shards.
        home = partition_for(event.player_id, ctx.partitions)
        if home != rec.partition:
            dead.append((rec, "wrong_partition", f"player belongs to partition {home}"))
            continue
        grouped[(rec.partition, event.player_id)].append(event)
    sends = [
        ctx.dead_letters.send(
            topic=PLAYER_EVENTS,
            partition=r.partition,
            offset=r.offset,
            key=r.key,
            value=r.value,
            reason=reason,
            detail=detail,
        )
        for r, reason, detail in dead
    ]
    await asyncio.gather(*sends)
    result.counts["dead_letters"] += len(dead)
    return grouped


async def process_batch(*, records: list[RawRecord], ctx: WorkerContext) -> BatchResult:
    """Process one batch; returns what happened (applied, duplicate, late, dead letters)."""
    result = BatchResult()
    grouped = await _decode(records, ctx, result)
    if not grouped:
        return result
    by_partition: dict[int, list[str]] = defaultdict(list)
    for p, player in grouped:
        by_partition[p].append(player)
    loaded: dict[tuple[int, str], PlayerState | None] = {}
    for p, players in by_partition.items():
        for player, state in zip(players, await ctx.store.load(p, players), strict=True):
            loaded[(p, player)] = state
    newest = max(e.t_ms for events in grouped.values() for e in events)
    clock_ms = await ctx.store.advance_clock(newest)
    clock = from_epoch_ms(clock_ms)
    commits: list[Commit] = []
    for (p, player), events in grouped.items():
        prior = loaded[(p, player)]
        state = prior or PlayerState(player_id=player)
        forget_cards(state, ctx.catalog.cards)
        # Cards are evaluated after each applied event, not once per batch: a player who
        # enters and leaves a card within one batch produces both events, as one batch apart.
        steps: list[tuple[Evaluation, ChangeCause]] = []
        facts = StateFacts(state)
        for event in events:
            outcome = state.apply(event, horizon_ms=ctx.retention.ms)
            result.counts[outcome.value] += 1
            if outcome is not Outcome.APPLIED:
                continue
            # A player seen for the first time is evaluated against every card: a rule such
            # as "no deposit yet" holds without any event of the kinds it names.
            cards = (
                list(ctx.catalog.cards.values())
                if prior is None and not steps
                else affected_cards(ctx.catalog.cards.values(), {event.type})
            )
            facts = StateFacts(state)  # the derived profile is stale after each event
            evaluation = evaluate(
                state, cards, clock=clock, is_listed=ctx.catalog.is_listed, facts=facts
            )
            steps.append((evaluation, event_cause(event.event_id, from_epoch_ms(event.t_ms))))
            result.counts["changes"] += len(evaluation.entered) + len(evaluation.exited)
        if not steps:
            continue
        ctx.retention.prune(state, clock_ms)
        commits.append(plan_steps(p=p, facts=facts, steps=steps, with_profile=True))
    result.committed = await ctx.store.commit(commits)
    await ctx.store.count(**result.counts)
    return result
