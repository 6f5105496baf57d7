"""Helpers of card-svc integration tests: publishing, reading topics, waiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import httpx
import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from card_svc.adapters.lifecycle import LifecyclePublisher
from card_svc.adapters.segment_client import SegmentClient
from card_svc.entrypoints.api import create_app
from card_svc.settings import CardSettings
from playerseg.devstack.offsets import OffsetReader
from segshared.db import make_engine, make_session_factory
from segshared.partitioning import partition_for
from segshared.redis_client import make_redis
from segshared.topics import PLAYER_EVENTS
from tests.support.auth import key_headers_async


async def wait_until(
    check: Callable[[], Awaitable[Any]], *, timeout_s: float = 60, what: str = ""
) -> Any:
    """Await ``check()`` until it returns something truthy."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}: last={last!r}")


def player_event(
    event_id: str, kind: str, player: str, when: datetime, **data: Any
) -> tuple[str, bytes]:
    doc = {
        "event_id": event_id,
        "type": kind,
        "version": 1,
        "player_id": player,
        "occurred_at": when.isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return player, orjson.dumps(doc)


def publish(
    bootstrap: str,
    records: Iterable[tuple[str, bytes]],
    *,
    partitions: int,
    topic: str = PLAYER_EVENTS,
) -> int:
    """Send (player id, value) records to the player's partition; returns how many."""
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks=1, linger_ms=5)
    n = 0
    try:
        for player, value in records:
            producer.send(
                topic, key=player.encode(), value=value, partition=partition_for(player, partitions)
            )
            n += 1
        producer.flush(timeout=60)
    finally:
        producer.close()
    return n


def publish_raw(bootstrap: str, *, key: bytes, value: bytes, partition: int) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks=1)
    try:
        producer.send(PLAYER_EVENTS, key=key, value=value, partition=partition).get(timeout=30)
    finally:
        producer.close()


def read_topic(bootstrap: str, topic: str) -> list[tuple[int, bytes | None, bytes]]:
    """Every record of ``topic`` now: (partition, key, value), in partition order."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        # Tansu's ListOffsets answer can be short of the last batch; OffsetReader is exact.
        reader = OffsetReader(bootstrap)
        try:
            end = reader.end_offsets(tps)
        finally:
            reader.close()
        out: list[tuple[int, bytes | None, bytes]] = []
        deadline = time.monotonic() + 30
        while any(consumer.position(tp) < end[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topic} to its end")
            for tp, records in consumer.poll(timeout_ms=500).items():
                out.extend((tp.partition, r.key, r.value) for r in records)
        return out
    finally:
        consumer.close()


def changes(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    """Decoded JSON values of ``topic``."""
    return [orjson.loads(v) for _, _, v in read_topic(bootstrap, topic)]


async def wait_healthy(client: httpx.AsyncClient, *urls: str) -> None:
    """Wait until each service at ``urls`` answers ``GET /health`` with 200."""

    async def up(url: str) -> bool:
        try:
            return (await client.get(f"{url}/health")).status_code == 200
        except httpx.HTTPError:
            return False

    for url in urls:
        await wait_until(lambda url=url: up(url), timeout_s=60, what=f"{url}/health")


@asynccontextmanager
async def in_process_api(
    settings: CardSettings, *, with_key: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the card-svc API running in this process over real adapters, presenting an
    admin key (``with_key`` False: none, e.g. when Redis is meant to be down)."""
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    lifecycle = LifecyclePublisher(settings.bootstrap_servers)
    app = create_app(
        settings,
        sessions=make_session_factory(engine),
        redis=redis,
        lifecycle=lifecycle,
        segments=SegmentClient(settings.segment_svc_url),
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://card-svc") as client:
            if with_key:
                client.headers.update(
                    await key_headers_async(settings.redis_url, settings.key_prefix)
                )
            yield client
    finally:
        lifecycle.close()
        await redis.aclose()
        engine.dispose()
