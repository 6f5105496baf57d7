"""Fixtures of the action-svc integration tests (on top of tests/conftest.py).

Webhook fixtures and helpers are named ``webhook_*`` / ``Webhook*``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition  # type: ignore[import-untyped]

from action_svc.service_layer.webhooks import (
    WEBHOOK_TOPIC,
    WebhookDelivery,
    build_webhook_delivery,
    run_retries,
)
from action_svc.settings import ActionSettings
from segshared.batch_consumer import BatchConsumer, consumer_config
from segshared.partitioning import partition_for
from segshared.topics import dlq
from tests.integration.action_svc.webhook_receiver import WebhookReceiver

WEBHOOK_PARTITIONS = 8
WEBHOOK_DLQ = dlq(WEBHOOK_TOPIC)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A local HTTP receiver recording every webhook request."""
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.close()


@pytest.fixture
def webhook_settings(
    kafka_bootstrap: str, redis_url: str, create_topics: Callable[..., list[str]]
) -> Callable[..., ActionSettings]:
    """Factory of settings on the test broker and Redis, with quick retries and timeouts."""
    create_topics(partitions=WEBHOOK_PARTITIONS, topics=[WEBHOOK_TOPIC, WEBHOOK_DLQ])

    def make(**overrides: Any) -> ActionSettings:
        token = uuid.uuid4().hex[:8]
        values: dict[str, Any] = {
            "kafka_bootstrap": kafka_bootstrap, "redis_url": redis_url,
            "partitions": WEBHOOK_PARTITIONS, "key_prefix": f"t{token}:",
            "app_id": f"action-svc-{token}", "consumer_session_timeout_s": 3.0,
            "consumer_rebalance_timeout_s": 3.0, "webhook_timeout_s": 0.5,
            "webhook_max_attempts": 3, "webhook_backoff_base_s": 0.05,
            "webhook_backoff_cap_s": 1.0, "webhook_concurrency": 8,
        }  # fmt: skip
        values.update(overrides)
        return ActionSettings(**values)

    return make


def webhook_command(
    key: str, url: str, *, player: str = "p1", action_id: int = 7, **webhook: Any
) -> bytes:
    """A webhook dispatch command as action-svc publishes it."""
    return orjson.dumps({
        "event_id": key, "version": 1, "occurred_at": "2024-05-01T12:00:00Z", "type": "dispatch",
        "idempotency_key": key, "action_id": action_id, "action_name": "hook",
        "channel": "webhook", "player_id": player, "occurrence": "o1", "reason": "entered",
        "target_kind": "segment", "target_id": 3, "webhook": {"url": url, **webhook},
    })  # fmt: skip


@dataclass
class WebhookWorker:
    """The delivery consuming ``action.dispatch.webhook`` in the test's loop, with retries.

    Records already on the topic when it started are skipped (the session broker is shared),
    so each test sees only what it produced.
    """

    settings: ActionSettings
    delivery: WebhookDelivery
    producer: AIOKafkaProducer
    start: dict[int, int]
    handled: dict[int, int] = field(default_factory=dict)  # partition -> next offset
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def handle(self, records: list[Any]) -> None:
        mine = [r for r in records if r.offset >= self.start.get(r.partition, 0)]
        await self.delivery.handle(mine)
        for r in records:
            self.handled[r.partition] = max(self.handled.get(r.partition, 0), r.offset + 1)

    async def produce(self, value: bytes, *, player: str = "p1") -> tuple[int, int]:
        """Publish a record as the relay does (key: player, partition: their shard)."""
        p = partition_for(player, self.settings.partitions)
        meta = await self.producer.send_and_wait(
            WEBHOOK_TOPIC, value, key=player.encode(), partition=p
        )
        return meta.partition, meta.offset

    async def settled(self, *produced: tuple[int, int], timeout_s: float = 40.0) -> None:
        """Wait until ``handle`` returned for every one of ``produced`` (committable)."""
        deadline = time.monotonic() + timeout_s
        while any(self.handled.get(p, 0) <= off for p, off in produced):
            if time.monotonic() > deadline:
                raise AssertionError(f"worker did not handle {produced}: {self.handled}")
            await asyncio.sleep(0.05)

    async def dead_letters(
        self, key: str, *, at_least: int = 1, timeout_s: float = 20.0
    ) -> list[dict[str, Any]]:
        """The dead letters on ``action.dispatch.webhook.dlq`` of idempotency key ``key``."""
        deadline = time.monotonic() + timeout_s
        while True:
            letters = await _read_all(self.settings, WEBHOOK_DLQ)
            found = [d for d in letters if key in str(d["value"])]
            if len(found) >= at_least or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.2)


async def _read_all(settings: ActionSettings, topic: str) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers,
                                enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(settings.partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        out: list[dict[str, Any]] = []
        deadline = time.monotonic() + 15.0
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            if time.monotonic() > deadline:
                behind = {tp.partition: (await consumer.position(tp), ends[tp]) for tp in tps}
                raise AssertionError(f"could not read {topic} to its end: {behind}")
            batch = await consumer.getmany(timeout_ms=500)
            out += [{**orjson.loads(r.value), "_partition": r.partition}
                    for rs in batch.values() for r in rs]  # fmt: skip
        return out
    finally:
        await consumer.stop()


async def _end_offsets(settings: ActionSettings, topic: str) -> dict[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(settings.partitions)]
        return {tp.partition: off for tp, off in (await consumer.end_offsets(tps)).items()}
    finally:
        await consumer.stop()


@contextlib.asynccontextmanager
async def webhook_worker(settings: ActionSettings, **build: Any) -> AsyncIterator[WebhookWorker]:
    """Run the delivery like the worker will: a BatchConsumer plus the retry loop."""
    from segshared.redis_client import make_redis

    redis = make_redis(settings.redis_url)
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
    await producer.start()

    async def send_dead_letter(topic: str, key: bytes | None, value: bytes) -> None:
        await producer.send_and_wait(topic, value, key=key)

    delivery = build_webhook_delivery(settings, redis, send_dead_letter, **build)
    start = await _end_offsets(settings, WEBHOOK_TOPIC)
    worker = WebhookWorker(settings, delivery, producer, start)
    config = consumer_config(settings, group_id=f"{settings.app_id}-webhooks", topic=WEBHOOK_TOPIC,
                             max_records=500, within_s=0.05)  # fmt: skip
    consumer = BatchConsumer(config=config, handle=worker.handle, lock=asyncio.Lock())
    worker.tasks = [
        asyncio.create_task(consumer.run_forever()),
        asyncio.create_task(run_retries(delivery, consumer.partitions, interval_s=0.02)),
    ]
    try:
        yield worker
    finally:
        # Cancel until done: redis-py may turn a cancel that lands mid-command into an
        # error that a restart loop (BatchConsumer.run_forever) catches and carries on from.
        while pending := [t for t in worker.tasks if not t.done()]:
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=1.0)
        await delivery.aclose()
        await producer.stop()
        await redis.aclose()


# The API and worker fixtures live in harness.py.
from tests.integration.action_svc.harness import (  # noqa: E402, F401
    act_db_url,
    act_kafka,
    act_settings,
    actions_api,
    sync_redis,
    targets_stub,
)
