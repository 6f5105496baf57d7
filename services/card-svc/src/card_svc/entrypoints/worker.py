"""``python -m card_svc.entrypoints.worker``: consume player.events, keep player state and
card sets, re-evaluate window cards as the clock passes, backfill, relay the outbox."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import faust
from redis.asyncio import Redis

from card_svc.adapters.state_store import StateStore
from card_svc.service_layer.batch import RawRecord
from card_svc.service_layer.catalog import read_catalog
from card_svc.service_layer.context import WorkerContext
from card_svc.service_layer.planning import Retention
from card_svc.service_layer.runner import refresh_and_backfill, run_batch, tick
from card_svc.settings import SERVICE, CardSettings
from segshared.db import make_engine, make_session_factory
from segshared.dlq import DeadLetters
from segshared.outbox import OutboxRelay
from segshared.redis_client import make_redis
from segshared.streaming import make_faust_app
from segshared.topics import PLAYER_EVENTS

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
    topic = app.topic(
        PLAYER_EVENTS, key_serializer="raw", value_serializer="raw", partitions=settings.partitions
    )

    def owned() -> set[int]:
        try:
            return {tp.partition for tp in app.consumer.assignment() if tp.topic == PLAYER_EVENTS}
        except Exception:  # consumer not started yet
            return set()

    @app.agent(topic, concurrency=1)
    async def player_events(stream: Any) -> None:
        async for events in stream.take_events(settings.batch_size, within=settings.batch_within_s):
            records = [
                RawRecord(e.message.partition, e.message.offset, e.message.key, e.message.value)
                for e in events
            ]
            await run_batch(records, ctx)

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

    @app.task
    async def outbox() -> None:
        await relay.run(owned)

    return app, ctx


def main() -> None:
    settings = CardSettings.load()
    engine = make_engine(settings.database_url)
    app, _ = build_worker(
        settings,
        redis=make_redis(settings.redis_url),
        session_factory=make_session_factory(engine),
    )
    faust.Worker(app, loglevel=settings.log_level.lower()).execute_from_commandline()


if __name__ == "__main__":
    main()
