"""Stream worker of segment-svc: ``python -m segment_svc.entrypoints.worker``.

Consumes ``card.membership``, keeps the segments of each changed player up to date, builds
new or edited segments for the partitions it owns, and relays its outbox to Kafka.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

import faust
from faust.app.base import BootStrategy
from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from segment_svc.adapters.redis_builds import BuildStore
from segment_svc.adapters.redis_membership import MembershipStore
from segment_svc.service_layer.builds import reconcile
from segment_svc.service_layer.catalogue_cache import CatalogueCache
from segment_svc.service_layer.incremental import process_batch
from segment_svc.settings import SERVICE, SegmentSettings, load_settings
from segshared.batch_consumer import BatchConsumer, consumer_config
from segshared.batch_publisher import relay_in_batches
from segshared.dlq import DeadLetters
from segshared.history import SizeHistory, SizeSampler
from segshared.outbox import OutboxRelay
from segshared.retry import retry_forever
from segshared.streaming import make_faust_app, run_worker
from segshared.topics import CARD_MEMBERSHIP
from segshared.worker_http import worker_port

log = logging.getLogger(__name__)


def create_worker(
    *,
    settings: SegmentSettings,
    redis: Redis,
    session_factory: sessionmaker[Session],
    **faust_overrides: Any,
) -> faust.App:
    """The Faust app wired to the given adapters (the composition root of the worker)."""
    # The relay produces ~1 record per card change: bigger, slightly lingering batches halve
    # the producer's requests (and the CPU they cost) at a few ms of latency.
    options: dict[str, Any] = {"producer_max_batch_size": 256 * 1024, "producer_linger": 0.005}
    options.update(faust_overrides)
    app = make_faust_app(settings.app_id, settings, datadir=settings.datadir, **options)
    # Faust keeps the runtime (producer, tasks, lifecycle); card.membership is consumed in
    # batches by BatchConsumer instead of a Faust agent (ADR 0005), so Faust's own consumer,
    # which would join the same group with nothing to read, is not started.
    app.boot_strategy = BootStrategy(app, enable_kafka_consumer=False)
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

    async def handle(records: list[Any]) -> None:
        # Called under ``lock`` by the consumer, which commits the offsets after it returns.
        async def once() -> None:
            catalogue = await cache.get()
            outcome = await process_batch(
                records=records,
                catalogue=catalogue,
                memberships=memberships,
                dead_letters=dead_letters,
                partitions=settings.partitions,
            )
            log.debug("batch: %s", outcome)

        await retry_forever("card.membership batch", once)

    consumer = BatchConsumer(
        config=consumer_config(
            settings,
            group_id=settings.app_id,
            topic=CARD_MEMBERSHIP,
            max_records=settings.batch_size,
            within_s=settings.batch_within_s,
        ),
        handle=handle,
        lock=lock,
    )
    owned = consumer.partitions

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
        await relay_in_batches(relay, settings, owned)

    async def consume_card_changes() -> None:
        await consumer.run_forever()

    async def segment_ids() -> list[int]:
        return list((await cache.get()).revisions())

    sampler = SizeSampler(
        history=SizeHistory(redis=redis, keys=keys, kind="segment"),
        redis=redis, shard_key=keys.segment, partitions=settings.partitions, ids=segment_ids,
        owned=owned,
    )  # fmt: skip

    async def sample_sizes() -> None:
        await sampler.run_forever(settings.history_interval_s)

    app.task(consume_card_changes)
    app.task(sample_sizes)
    app.task(keep_segments_built)
    app.task(relay_outbox)

    return app


def main() -> None:
    """Run the worker with real adapters built from the environment."""
    from segshared.db import database_check, make_engine, make_session_factory
    from segshared.redis_client import make_redis

    settings = load_settings()
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    app = create_worker(
        settings=settings, redis=redis, session_factory=make_session_factory(engine)
    )
    run_worker(app, service=SERVICE, settings=settings,
               port=worker_port(settings, redis, database_check(engine)))  # fmt: skip


if __name__ == "__main__":
    main()
