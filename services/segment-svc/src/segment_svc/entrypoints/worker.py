"""Stream worker of segment-svc: ``python -m segment_svc.entrypoints.worker``.

Consumes ``card.membership``, keeps the segments of each changed player up to date, builds
new or edited segments for the partitions it owns, and relays its outbox to Kafka.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar, cast

import faust
from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from segment_svc.adapters.redis_builds import BuildStore
from segment_svc.adapters.redis_membership import MembershipStore
from segment_svc.service_layer.builds import reconcile
from segment_svc.service_layer.catalogue_cache import CatalogueCache
from segment_svc.service_layer.incremental import Record, process_batch
from segment_svc.settings import SERVICE, SegmentSettings, load_settings
from segshared.dlq import DeadLetters
from segshared.outbox import OutboxRelay
from segshared.streaming import make_faust_app
from segshared.topics import CARD_MEMBERSHIP

log = logging.getLogger(__name__)
T = TypeVar("T")


async def retry_forever(what: str, fn: Callable[[], Awaitable[T]]) -> T:
    """Retry a batch until it succeeds: skipping it would lose changes, and its offsets are
    not acknowledged until it is done, so a crash meanwhile replays it (at-least-once)."""
    delay = 0.2
    while True:
        try:
            return await fn()
        except Exception:
            log.exception("%s failed; retrying in %.1fs", what, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def create_worker(
    *,
    settings: SegmentSettings,
    redis: Redis,
    session_factory: sessionmaker[Session],
    **faust_overrides: Any,
) -> faust.App:
    """The Faust app wired to the given adapters (the composition root of the worker)."""
    app = make_faust_app(settings.app_id, settings, datadir=settings.datadir, **faust_overrides)
    topic = app.topic(CARD_MEMBERSHIP, key_serializer="raw", value_serializer="raw")
    keys = settings.keys
    lock = asyncio.Lock()  # builds and batches never interleave on this worker's shards
    cache = CatalogueCache(session_factory)
    memberships = MembershipStore(
        redis=redis, keys=keys, applied_kept=settings.applied_kept,
        applied_ttl_s=settings.applied_ttl_s,
    )  # fmt: skip
    builds = BuildStore(redis=redis, keys=keys)

    async def send_dead_letter(dlq_topic: str, key: bytes | None, value: bytes) -> None:
        await app.producer.send_and_wait(dlq_topic, key, value, None, None, None)

    async def publish(out_topic: str, key: bytes, value: bytes, partition: int) -> Awaitable[Any]:
        # Enqueue now (keeps the shard's order), hand back the ack for the relay to await.
        return await app.producer.send(out_topic, key, value, partition, None, None)

    dead_letters = DeadLetters(redis=redis, keys=keys, send=send_dead_letter)
    relay = OutboxRelay(redis=redis, keys=keys, service=SERVICE, publish=publish)

    def owned() -> list[int]:
        return sorted(
            tp.partition for tp in app.consumer.assignment() if tp.topic == CARD_MEMBERSHIP
        )

    async def handle(records: list[Record]) -> None:
        async with lock:
            catalogue = await cache.get()
            outcome = await process_batch(
                records=records,
                catalogue=catalogue,
                memberships=memberships,
                dead_letters=dead_letters,
                partitions=settings.partitions,
            )
        log.debug("batch: %s", outcome)

    @app.agent(topic, concurrency=1)
    async def apply_card_changes(stream: faust.StreamT[Any]) -> None:
        # take() acks a batch when the generator resumes or is closed, and it is closed by a
        # crash or cancellation in mid-batch too; noack_take leaves acking to us, after the
        # batch is applied, so an unfinished batch is redelivered (at-least-once).
        manual = cast(faust.Stream[Any], cast(faust.Stream[Any], stream).noack())
        async for buffered in manual.noack_take(
            settings.batch_size, within=settings.batch_within_s
        ):
            events = cast(Sequence[faust.EventT[Any]], buffered)  # noack_take buffers events
            records = [
                Record(e.message.partition, e.message.offset, e.message.key, e.message.value)
                for e in events
            ]
            await retry_forever("card.membership batch", functools.partial(handle, records))
            for event in events:
                await manual.ack(event)

    async def keep_segments_built() -> None:
        while True:
            await asyncio.sleep(settings.poll_interval_s)
            try:
                async with lock:
                    catalogue = await cache.refresh()
                    await reconcile(
                        catalogue=catalogue,
                        builds=builds,
                        keys=keys,
                        shards=owned(),
                        ttl_s=settings.scratch_ttl_s,
                    )
            except Exception:  # keep polling: the database or Redis may come back
                log.exception("segment build round failed; retrying")

    async def relay_outbox() -> None:
        await relay.run(owned)

    app.task(keep_segments_built)
    app.task(relay_outbox)

    return app


def main() -> None:
    """Run the worker with real adapters built from the environment."""
    from segshared.db import make_engine, make_session_factory
    from segshared.redis_client import make_redis

    settings = load_settings()
    app = create_worker(
        settings=settings,
        redis=make_redis(settings.redis_url),
        session_factory=make_session_factory(make_engine(settings.database_url)),
    )
    worker = faust.Worker(app, loglevel=settings.log_level.lower())
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
