"""Time passing: players whose window cards may flip at the stream clock are re-evaluated.

A player leaves "active in the last 24 hours" when the clock passes, with no event of theirs.
"""

from __future__ import annotations

from collections.abc import Iterable

from card_svc.adapters.state_store import Commit
from card_svc.domain.cards import evaluate, forget_cards
from card_svc.domain.changes import clock_cause
from card_svc.domain.facts import StateFacts
from card_svc.service_layer.context import WorkerContext
from card_svc.service_layer.planning import plan_commit
from segshared.contracts.envelope import from_epoch_ms

DUE_BATCH = 1000


async def clock_tick(*, ctx: WorkerContext, partitions: Iterable[int]) -> int:
    """Re-evaluate every due player of ``partitions``; returns how many were re-evaluated."""
    clock_ms = await ctx.store.clock()
    if clock_ms is None:
        return 0
    total = 0
    for p in partitions:
        while True:
            async with ctx.lock:
                n = await _tick_partition(ctx, p, clock_ms)
            total += n
            if n < DUE_BATCH:
                break
    return total


async def _tick_partition(ctx: WorkerContext, p: int, clock_ms: int) -> int:
    due = await ctx.store.due_players(p, clock_ms, DUE_BATCH)
    if not due:
        return 0
    clock = from_epoch_ms(clock_ms)
    states = await ctx.store.load(p, [player for player, _ in due])
    cards = ctx.catalog.clock_dependent
    live = {c.id for c in cards}
    commits: list[Commit] = []
    gone: list[str] = []
    for (player, due_ms), state in zip(due, states, strict=True):
        if state is None:  # no state: nothing can flip
            gone.append(player)
            continue
        forget_cards(state, ctx.catalog.cards)
        facts = StateFacts(state)
        # Only cards whose own due time has come; the others keep theirs.
        now_due = [c for c in cards if state.due.get(c.id, clock_ms + 1) <= clock_ms]
        evaluation = evaluate(
            state, now_due, clock=clock, is_listed=ctx.catalog.is_listed, facts=facts
        )
        # Stale due times (card edited to no longer depend on the clock) would pop forever.
        state.due = {k: v for k, v in state.due.items() if k in live and v > clock_ms}
        ctx.retention.prune(state, clock_ms)
        why = clock_cause(due_ms, player, from_epoch_ms(due_ms))
        commits.append(
            plan_commit(p=p, facts=facts, evaluation=evaluation, why=why, with_profile=False)
        )
    await ctx.store.commit(commits)
    await ctx.store.drop_due(p, gone)
    await ctx.store.count(clock_reevaluations=len(commits))
    return len(due)
