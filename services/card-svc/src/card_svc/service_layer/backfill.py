"""Bringing a shard in line with the card definitions: backfill new or edited cards, drop
deleted ones. Runs in the worker that owns the shard, under the worker's lock per chunk."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from card_svc.adapters.state_store import Commit
from card_svc.domain.cards import CardDef, Evaluation, evaluate
from card_svc.domain.changes import backfill_cause, delete_cause
from card_svc.domain.facts import StateFacts
from card_svc.domain.state import PlayerState
from card_svc.service_layer.context import WorkerContext
from card_svc.service_layer.planning import plan_commit
from segshared.contracts.envelope import from_epoch_ms
from segshared.partitioning import partition_for

log = logging.getLogger(__name__)


async def sync_partition(*, ctx: WorkerContext, p: int) -> int:
    """Backfill every card whose revision shard ``p`` has not reached; drop deleted cards."""
    held = await ctx.store.card_revisions(p)
    done = 0
    for card in list(ctx.catalog.cards.values()):
        if held.get(card.id) != card.revision:
            n = await backfill_card(ctx=ctx, p=p, card=card)
            await ctx.store.set_card_revision(p, card.id, card.revision)
            log.info("card %s r%s backfilled in shard %s: %s changes", card.id, card.revision, p, n)
            done += 1
    for card_id in held.keys() - ctx.catalog.cards.keys():
        await drop_card(ctx=ctx, p=p, card_id=card_id)
        done += 1
    return done


async def backfill_card(*, ctx: WorkerContext, p: int, card: CardDef) -> int:
    """Evaluate ``card`` for every known player of shard ``p`` (and unseen listed players)."""
    changes = 0
    async for chunk in ctx.store.scan_players(p, ctx.backfill_chunk):
        changes += await _backfill_chunk(ctx, p, card, chunk, create=False)
    if card.rule is None:
        listed = sorted(
            pid for pid in ctx.catalog.listed.get(card.id, ())
            if partition_for(pid, ctx.partitions) == p
        )  # fmt: skip
        for start in range(0, len(listed), ctx.backfill_chunk):
            chunk = listed[start : start + ctx.backfill_chunk]
            changes += await _backfill_chunk(ctx, p, card, chunk, create=True)
    return changes


async def _backfill_chunk(
    ctx: WorkerContext, p: int, card: CardDef, players: Sequence[str], *, create: bool
) -> int:
    async with ctx.lock:
        clock_ms = await ctx.store.clock() or 0
        clock = from_epoch_ms(clock_ms)
        commits: list[Commit] = []
        for player, state in zip(players, await ctx.store.load(p, players), strict=True):
            if state is None and not create:
                continue
            if state is not None and create:  # known players were handled by the scan
                continue
            new = state is None
            state = state or PlayerState(player_id=player)
            facts = StateFacts(state)
            ev = evaluate(state, [card], clock=clock, is_listed=ctx.catalog.is_listed, facts=facts)
            if not (ev.changed or ev.due_changed or new):
                continue
            why = backfill_cause(card.id, card.revision, player, clock, static=card.rule is None)
            commits.append(plan_commit(p=p, facts=facts, evaluation=ev, why=why, with_profile=new))
        await ctx.store.commit(commits)
    return sum(len(c.add) + len(c.remove) for c in commits)


async def drop_card(*, ctx: WorkerContext, p: int, card_id: int) -> int:
    """A deleted card: every member of shard ``p`` exits, then its set is removed."""
    exits = 0
    async for chunk in ctx.store.scan_card(p, card_id, ctx.backfill_chunk):
        async with ctx.lock:
            clock = from_epoch_ms(await ctx.store.clock() or 0)
            commits: list[Commit] = []
            for player, state in zip(chunk, await ctx.store.load(p, chunk), strict=True):
                state = state or PlayerState(player_id=player)
                before = frozenset(state.cards | {card_id})
                state.cards.discard(card_id)
                state.due.pop(card_id, None)
                ev = Evaluation(before=before, after=frozenset(state.cards), exited=[card_id])
                why = delete_cause(card_id, player, clock)
                facts = StateFacts(state)
                commits.append(
                    plan_commit(p=p, facts=facts, evaluation=ev, why=why, with_profile=False)
                )
            exits += await ctx.store.commit(commits)
    await ctx.store.forget_card(p, card_id)
    log.info("card %s dropped from shard %s: %s exits", card_id, p, exits)
    return exits
