"""``python -m card_svc.entrypoints.worker``: consume player.events, keep player state and
card sets, re-evaluate window cards as the clock passes, backfill, relay the outbox."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import faust
from faust.app.base import BootStrategy
from redis.asyncio import Redis

from card_svc.adapters.state_store import StateStore
from card_svc.service_layer.batch import RawRecord
from card_svc.service_layer.catalog import read_catalog
from card_svc.service_layer.context import WorkerContext
from card_svc.service_layer.planning import Retention
from card_svc.service_layer.runner import apply_until_done, refresh_and_backfill, tick
from card_svc.settings import SERVICE, CardSettings
from segshared.batch_consumer import BatchConsumer, consumer_config
from segshared.batch_publisher import relay_in_batches
from segshared.db import database_check, make_engine, make_session_factory
from segshared.dlq import DeadLetters
from segshared.history import SizeHistory, SizeSampler
from segshared.outbox import OutboxRelay
from segshared.redis_client import make_redis
from segshared.streaming import make_faust_app, run_worker
from segshared.topics import PLAYER_EVENTS
from segshared.worker_http import worker_port

log = logging.getLogger(__name__)


def build_worker(
    settings: CardSettings,
    *,
    redis: Redis,
    session_factory: Callable[[], Any],
    app: faust.App | None = None,
) -> tuple[faust.App, WorkerContext]:
    """The Faust app of the worker over the given adapters (composition root)."""
    app = app or make_faust_app(settings.app_id, settings, datadir=settings.datadir)
    # Faust keeps the runtime (producer, timers, tasks); player.events is consumed in batches
    # by BatchConsumer (ADR 0005), so Faust's own consumer is not started.
    app.boot_strategy = BootStrategy(app, enable_kafka_consumer=False)

    async def send(topic: str, key: bytes | None, value: bytes) -> None:
        await app.producer.send_and_wait(topic, key, value, None, None, None)

    async def publish(topic: str, key: bytes, value: bytes, partition: int) -> Awaitable[Any]:
        return await app.producer.send(topic, key, value, partition, None, None)

    ctx = WorkerContext(
        store=StateStore(redis, settings.keys),
        dead_letters=DeadLetters(redis=redis, keys=settings.keys, send=send),
        partitions=settings.partitions,
        retention=Retention(int(settings.retention.total_seconds() * 1000)),
        backfill_chunk=settings.backfill_chunk,
    )
    ctx.catalog.apply(read_catalog(session_factory=session_factory, known={}))
    relay = OutboxRelay(redis=redis, keys=settings.keys, service=SERVICE, publish=publish)

    async def handle(records: list[Any]) -> None:
        # Called under ctx.lock by the consumer, which commits the offsets after it returns.
        raw = [RawRecord(r.partition, r.offset, r.key, r.value) for r in records]
        await apply_until_done(raw, ctx)

    consumer = BatchConsumer(
        config=consumer_config(
            settings,
            group_id=settings.app_id,
            topic=PLAYER_EVENTS,
            max_records=settings.batch_size,
            within_s=settings.batch_within_s,
        ),
        handle=handle,
        lock=ctx.lock,
    )
    owned = consumer.partitions

    @app.task
    async def player_events() -> None:
        await consumer.run_forever()

    @app.timer(interval=settings.clock_tick_s)
    async def clock() -> None:
        try:
            await tick(ctx=ctx, partitions=owned())
        except Exception:
            log.exception("clock tick failed")

    @app.timer(interval=settings.catalog_poll_s)
    async def definitions() -> None:
        try:
            await refresh_and_backfill(ctx=ctx, session_factory=session_factory, partitions=owned())
        except Exception:
            log.exception("catalog refresh or backfill failed")

    async def card_ids() -> list[int]:
        return list(ctx.catalog.revisions())

    sampler = SizeSampler(
        history=SizeHistory(redis=redis, keys=settings.keys, kind="card"),
        redis=redis, shard_key=settings.keys.card, partitions=settings.partitions, ids=card_ids,
        owned=owned,
    )  # fmt: skip

    @app.task
    async def size_history() -> None:
        await sampler.run_forever(settings.history_interval_s)

    @app.task
    async def outbox() -> None:
        await relay_in_batches(relay, settings, owned)

    return app, ctx


def main() -> None:
    settings = CardSettings.load()
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    app, _ = build_worker(settings, redis=redis, session_factory=make_session_factory(engine))
    run_worker(app, service=SERVICE, settings=settings,
               port=worker_port(settings, redis, database_check(engine)))  # fmt: skip


if __name__ == "__main__":
    main()
