"""Transactional outbox over Redis streams (DESIGN decision 3).

A service's Lua script changes a membership set and appends the outgoing event to the
stream ``outbox:{p}:<service>`` in the same call, so a change and its event exist together
or not at all. :class:`OutboxRelay` then publishes each shard's stream to Kafka in order and
trims what the broker acknowledged. A crash between publish and trim republishes: consumers
dedupe on ``event_id``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from segshared import metrics
from segshared.keys import Keys
from segshared.retry import raise_if_cancelling

log = logging.getLogger(__name__)

#: Field names of an outbox entry; Lua scripts write them, the relay reads them.
FIELD_TOPIC = "t"
FIELD_KEY = "k"
FIELD_VALUE = "v"

#: ``publish(topic, key, value, partition)`` enqueues one record on the producer and returns
#: an awaitable that completes when the broker has acknowledged it. Enqueueing one record at
#: a time keeps a shard's events in order on its partition; awaiting the acks together keeps
#: the producer's batching.
Publish = Callable[[str, bytes, bytes, int], Awaitable[Awaitable[Any]]]
#: ``publish_many([(topic, partition, key, value), ...])`` publishes a round's records in
#: order within each partition and returns once the broker acknowledged them all.
PublishMany = Callable[[list[tuple[str, int, bytes, bytes]]], Awaitable[None]]


@dataclass
class OutboxRelay:
    """Publishes the outbox streams of the shards this worker owns."""

    redis: Redis
    keys: Keys
    service: str
    publish: Publish
    #: When set, a round's records go out through it (batches) instead of ``publish``.
    publish_many: PublishMany | None = None
    batch_size: int = 1000
    idle_sleep_s: float = 0.05

    async def relay_once(self, partitions: Iterable[int]) -> int:
        """Publish what is pending in ``partitions``; returns how many events went out.

        One round trip reads every shard's stream and one deletes what was acknowledged, and
        the acks of all shards are awaited together: shards no longer wait on each other.
        """
        streams = {p: self.keys.outbox(p, self.service) for p in partitions}
        reads = self.redis.pipeline(transaction=False)
        for stream in streams.values():
            reads.xrange(stream, count=self.batch_size)
        read = await reads.execute()
        pending = [(p, entries) for p, entries in zip(streams, read, strict=True) if entries]
        if not pending:
            return 0
        if self.publish_many is not None:
            records = [(topic, p, key, value) for p, entries in pending
                       for topic, key, value in (_record(f) for _, f in entries)]  # fmt: skip
            await self.publish_many(records)
            metrics.count_produced(topic for topic, _, _, _ in records)
        else:
            acks, topics = [], []
            for p, entries in pending:
                for _, fields in entries:  # enqueued in stream order: each shard stays in order
                    topic, key, value = _record(fields)
                    acks.append(await self.publish(topic, key, value, p))
                    topics.append(topic)
            await asyncio.gather(*acks)
            metrics.count_produced(topics)
        deletes = self.redis.pipeline(transaction=False)
        for p, entries in pending:
            # Delete exactly what was acknowledged; scripts may have appended meanwhile.
            deletes.xdel(streams[p], *[eid for eid, _ in entries])
        await deletes.execute()
        return sum(len(entries) for _, entries in pending)

    async def run(self, partitions: Callable[[], Iterable[int]]) -> None:
        """Relay forever; ``partitions`` is asked each round, since assignments change."""
        while True:
            try:
                sent = await self.relay_once(partitions())
            except Exception:  # keep relaying after a broker or Redis hiccup
                raise_if_cancelling()
                log.exception("outbox relay round failed; retrying")
                sent = 0
                await asyncio.sleep(1.0)
            if not sent:
                await asyncio.sleep(self.idle_sleep_s)

    async def pending(self, partitions: Iterable[int]) -> int:
        """Events written but not yet published."""
        pipe = self.redis.pipeline(transaction=False)
        for p in partitions:
            pipe.xlen(self.keys.outbox(p, self.service))
        return int(sum(await pipe.execute()))


def _record(fields: dict[Any, Any]) -> tuple[str, bytes, bytes]:
    """(topic, key, value) of an entry, whether the client decodes replies or not."""
    named = {_s(name): value for name, value in fields.items()}
    return _s(named[FIELD_TOPIC]), _b(named[FIELD_KEY]), _b(named[FIELD_VALUE])


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _b(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value
