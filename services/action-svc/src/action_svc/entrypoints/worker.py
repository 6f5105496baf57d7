"""Stream worker of action-svc: ``python -m action_svc.entrypoints.worker``.

Consumes segment and card membership changes (triggered actions), sends single and scheduled
sends of the shards it owns, releases delayed triggers, relays its outbox to the
``action.dispatch.<channel>`` topics, delivers Web API dispatches, and stops the actions of
deleted segments and cards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any

import faust
from faust.app.base import BootStrategy
from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.dispatch_log import DispatchLog
from action_svc.adapters.dispatch_store import DispatchStore
from action_svc.adapters.target_sets import TargetSets
from action_svc.adapters.trigger_store import TriggerStore
from action_svc.service_layer.catalogue import CatalogueCache
from action_svc.service_layer.lifecycle import stop_actions_of_deleted
from action_svc.service_layer.limits import Limiters
from action_svc.service_layer.ticks import Ticker
from action_svc.service_layer.triggered import process_membership_batch
from action_svc.service_layer.webhooks import build_webhook_delivery, run_retries
from action_svc.settings import SERVICE, ActionSettings, load_settings
from segshared.batch_consumer import BatchConsumer, consumer_config
from segshared.batch_publisher import relay_in_batches
from segshared.dlq import DeadLetters
from segshared.outbox import OutboxRelay
from segshared.retry import retry_forever
from segshared.streaming import make_faust_app, run_worker
from segshared.topics import (
    CARD_LIFECYCLE,
    CARD_MEMBERSHIP,
    SEGMENT_LIFECYCLE,
    SEGMENT_MEMBERSHIP,
    dispatch_topic,
)
from segshared.worker_http import worker_port

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(tz=UTC)


def create_worker(
    *, settings: ActionSettings, redis: Redis, session_factory: sessionmaker[Session],
    **faust_overrides: Any,
) -> faust.App:  # fmt: skip
    """The Faust app wired to the given adapters (the composition root of the worker)."""
    options: dict[str, Any] = {"producer_max_batch_size": 256 * 1024, "producer_linger": 0.005}
    options.update(faust_overrides)
    app = make_faust_app(settings.app_id, settings, datadir=settings.datadir, **options)
    app.boot_strategy = BootStrategy(app, enable_kafka_consumer=False)  # ADR 0005
    keys = ActionKeys(settings.keys)
    cache = CatalogueCache(session_factory)
    store = DispatchStore(redis=redis, keys=keys, dedupe_ttl_s=settings.dedupe_ttl_s,
                          log_max=settings.log_max_per_shard)  # fmt: skip
    dispatch_log = DispatchLog(redis=redis, keys=keys, partitions=settings.partitions,
                               log_max=settings.log_max_per_shard)  # fmt: skip
    triggers = TriggerStore(redis=redis, keys=keys)

    async def send_dead_letter(dlq_topic: str, key: bytes | None, value: bytes) -> None:
        await app.producer.send_and_wait(dlq_topic, key, value, None, None, None)

    async def publish(out_topic: str, key: bytes, value: bytes, partition: int) -> Awaitable[Any]:
        return await app.producer.send(out_topic, key, value, partition, None, None)

    dead_letters = DeadLetters(redis=redis, keys=settings.keys, send=send_dead_letter)
    relay = OutboxRelay(redis=redis, keys=settings.keys, service=SERVICE, publish=publish)

    async def handle_memberships(records: list[Any]) -> None:
        async def once() -> None:
            outcome = await process_membership_batch(
                records, catalogue=await cache.get(), store=store, triggers=triggers,
                log=dispatch_log, dead_letters=dead_letters, now=_now(),
            )  # fmt: skip
            log.debug("membership batch: %s", dict(outcome))

        await retry_forever("membership batch", once)

    def consumer(group: str, topic: str, *extra: str, handle: Any) -> BatchConsumer:
        config = consumer_config(settings, group_id=group, topic=topic, extra_topics=extra,
                                 max_records=settings.batch_size,
                                 within_s=settings.batch_within_s)  # fmt: skip
        return BatchConsumer(config=config, handle=handle, lock=asyncio.Lock())

    memberships = consumer(settings.app_id, SEGMENT_MEMBERSHIP, CARD_MEMBERSHIP,
                           handle=handle_memberships)  # fmt: skip
    owned = memberships.partitions
    webhooks = build_webhook_delivery(settings, redis, send_dead_letter)
    webhook_consumer = consumer(f"{settings.app_id}-webhooks", dispatch_topic("webhook"),
                                handle=webhooks.handle)  # fmt: skip

    async def handle_lifecycle(records: list[Any]) -> None:
        await retry_forever("lifecycle batch", lambda: stop_actions_of_deleted(
            records, session_factory=session_factory, now=_now()))  # fmt: skip

    lifecycle = consumer(f"{settings.app_id}-lifecycle", SEGMENT_LIFECYCLE, CARD_LIFECYCLE,
                         handle=handle_lifecycle)  # fmt: skip
    ticker = Ticker(
        settings=settings, session_factory=session_factory, redis=redis, keys=keys,
        cache=cache, store=store, log=dispatch_log, triggers=triggers,
        targets=TargetSets(redis=redis, keys=keys),
        limiters=Limiters(default_rate_per_s=settings.default_rate_limit_per_s), shards=owned,
    )  # fmt: skip

    async def consume_memberships() -> None:
        await memberships.run_forever()

    async def deliver_webhooks() -> None:
        await webhook_consumer.run_forever()

    async def retry_webhooks() -> None:
        await run_retries(webhooks, webhook_consumer.partitions)

    async def follow_lifecycle() -> None:
        await lifecycle.run_forever()

    async def relay_outbox() -> None:
        await relay_in_batches(relay, settings, owned)

    async def tick() -> None:
        await ticker.run_forever()

    for task in (consume_memberships, deliver_webhooks, retry_webhooks, follow_lifecycle,
                 relay_outbox, tick):  # fmt: skip
        app.task(task)
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
