"""Driving the use cases from the stream and timers: retries and shutdown that keep
at-least-once (an offset is acknowledged only after its batch is committed in Redis)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable

from card_svc.service_layer.backfill import sync_partition
from card_svc.service_layer.batch import BatchResult, RawRecord, process_batch
from card_svc.service_layer.catalog import read_catalog
from card_svc.service_layer.clock import clock_tick
from card_svc.service_layer.context import WorkerContext

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 5.0


async def apply_until_done(records: list[RawRecord], ctx: WorkerContext) -> BatchResult:
    """Process a batch until it is committed in Redis; the caller holds ``ctx.lock``.

    Redis or broker trouble retries the same batch (it is idempotent); its offsets are
    committed by the consumer only after this returns, so a crash meanwhile replays it.
    """
    delay = 0.1
    while True:
        try:
            return await process_batch(records=records, ctx=ctx)
        except Exception:
            log.exception("batch of %d records failed; retrying in %.1fs", len(records), delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF_S)


async def refresh_and_backfill(
    *, ctx: WorkerContext, session_factory: Callable[[], object], partitions: Iterable[int]
) -> None:
    """Re-read the definitions, then bring each owned shard to them."""
    snapshot = await asyncio.to_thread(
        read_catalog, session_factory=session_factory, known=ctx.catalog.revisions()
    )
    ctx.catalog.apply(snapshot)
    for p in sorted(partitions):
        await sync_partition(ctx=ctx, p=p)


async def tick(*, ctx: WorkerContext, partitions: Iterable[int]) -> None:
    """One round of the clock task."""
    n = await clock_tick(ctx=ctx, partitions=sorted(partitions))
    if n:
        log.debug("clock: %d players re-evaluated", n)
