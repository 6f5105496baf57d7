"""A batched Kafka consumer (aiokafka ``getmany``) with commit-after-apply (ADR 0005).

Both workers consume their hot topic with it: Faust's per-event stream machinery cost more
than the whole batch on these workloads. It hands each fetched batch to ``handle`` and
commits the offsets only once ``handle`` returned, so a crash at any instant replays at most
the unfinished batch (at-least-once). Faust keeps the rest of the worker's runtime.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition  # type: ignore[import-untyped]
from aiokafka.coordinator.assignors.range import (  # type: ignore[import-untyped]
    RangePartitionAssignor,
)
from aiokafka.errors import CommitFailedError, KafkaError  # type: ignore[import-untyped]

from segshared import metrics
from segshared.retry import raise_if_cancelling
from segshared.settings import PlatformSettings

log = logging.getLogger(__name__)


#: ``handle(records)``: aiokafka ``ConsumerRecord``s (``partition``, ``offset``, ``key``,
#: ``value`` as raw bytes), in partition order within each partition.
Handle = Callable[[list[ConsumerRecord[Any, Any]]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ConsumerConfig:
    bootstrap_servers: Sequence[str]
    group_id: str
    topic: str
    max_records: int
    fetch_timeout_ms: int
    session_timeout_s: float
    rebalance_timeout_s: float
    #: Further topics of the same partition count, consumed in the same batches.
    extra_topics: tuple[str, ...] = ()


def consumer_config(
    settings: PlatformSettings,
    *,
    group_id: str,
    topic: str,
    max_records: int,
    within_s: float,
    extra_topics: tuple[str, ...] = (),
) -> ConsumerConfig:
    """The config of a worker's consumer: the platform's broker and group timeouts."""
    return ConsumerConfig(
        bootstrap_servers=settings.bootstrap_servers,
        group_id=group_id,
        topic=topic,
        max_records=max_records,
        fetch_timeout_ms=int(within_s * 1000),
        session_timeout_s=settings.consumer_session_timeout_s,
        rebalance_timeout_s=settings.consumer_rebalance_timeout_s,
        extra_topics=extra_topics,
    )


class _Listener(ConsumerRebalanceListener):
    def __init__(self, owner: BatchConsumer) -> None:
        self._owner = owner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        # Taking the lock waits for the batch in flight (and its commit) to finish, so the
        # next owner of these partitions never works on a player this worker is applying.
        async with self._owner.lock:
            self._owner.owned = frozenset()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self._owner.owned = frozenset(tp.partition for tp in assigned)
        if not self._owner.ready:
            self._owner.ready = True
            # bench/worker_log.py times the run from this line (Faust's own wording).
            log.info("partitions assigned %s, fetching: Worker ready", sorted(self._owner.owned))
        else:
            log.info("partitions assigned %s", sorted(self._owner.owned))


class BatchConsumer:
    """Fetches batches of one topic for a consumer group and commits each after ``handle``."""

    def __init__(self, *, config: ConsumerConfig, handle: Handle, lock: asyncio.Lock) -> None:
        self.config = config
        self.handle = handle
        self.lock = lock  # shared with whatever else must not interleave with a batch
        self.owned: frozenset[int] = frozenset()
        self.ready = False

    def partitions(self) -> list[int]:
        """The partitions this worker owns now."""
        return sorted(self.owned)

    def _consumer(self) -> AIOKafkaConsumer:
        c = self.config
        return AIOKafkaConsumer(
            bootstrap_servers=list(c.bootstrap_servers),
            group_id=c.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=int(c.session_timeout_s * 1000),
            rebalance_timeout_ms=int(c.rebalance_timeout_s * 1000),
            heartbeat_interval_ms=1000,
            max_poll_interval_ms=300_000,
            max_partition_fetch_bytes=4 * 1024 * 1024,
            fetch_max_bytes=32 * 1024 * 1024,
            # Range assignment gives partition p of every subscribed topic to one worker, so a
            # worker's shards are the same whichever player-keyed topic a record came from.
            partition_assignment_strategy=(RangePartitionAssignor,),
        )

    async def run_forever(self) -> None:
        """Consume until cancelled; a broker outage restarts the consumer, never ends it."""
        while True:
            try:
                await self.run()
            except Exception:
                raise_if_cancelling()
                log.exception("consumer of %s failed; restarting it", self.config.topic)
                await asyncio.sleep(1.0)

    async def run(self) -> None:
        """Consume until cancelled."""
        consumer = self._consumer()
        consumer.subscribe([self.config.topic, *self.config.extra_topics], listener=_Listener(self))
        await consumer.start()
        try:
            while True:
                fetched = await consumer.getmany(
                    timeout_ms=self.config.fetch_timeout_ms, max_records=self.config.max_records
                )
                if fetched:
                    await self._one_batch(consumer, fetched)
                else:  # nothing arrived within the timeout: caught up on what it owns
                    metrics.set_lag(self.config.group_id, dict.fromkeys(
                        ((tp.topic, tp.partition) for tp in consumer.assignment()), 0))  # fmt: skip
        finally:
            self.owned = frozenset()  # relay and builds stop touching these shards now
            await consumer.stop()

    async def _one_batch(self, consumer: AIOKafkaConsumer, fetched: dict[Any, Any]) -> None:
        async with self.lock:
            # A rebalance between the fetch and the lock may have taken some partitions away.
            fetched = {tp: rs for tp, rs in fetched.items() if tp.partition in self.owned}
            if not fetched:
                return
            records = [r for rs in fetched.values() for r in rs]
            started = time.perf_counter()
            await self.handle(records)
            self._observe(consumer, fetched, len(records), time.perf_counter() - started)
            offsets = {TopicPartition(tp.topic, tp.partition): rs[-1].offset + 1
                       for tp, rs in fetched.items()}  # fmt: skip
            try:
                await consumer.commit(offsets)
            except (CommitFailedError, KafkaError):
                # The group moved on (or the broker hiccupped): the batch is applied, and its
                # redelivery is recognised by the players' applied events and skipped.
                log.warning("commit of %s failed; the batch may be redelivered", offsets,
                            exc_info=True)  # fmt: skip

    def _observe(
        self, consumer: AIOKafkaConsumer, fetched: dict[Any, Any], n: int, seconds: float
    ) -> None:
        """Metrics of one applied batch: per topic and partition, never per record."""
        metrics.observe_batch(self.config.topic, n, seconds)
        consumed: dict[str, int] = {}
        lags: dict[tuple[str, int], int] = {}
        for tp, rs in fetched.items():
            consumed[tp.topic] = consumed.get(tp.topic, 0) + len(rs)
            highwater = consumer.highwater(tp)
            if highwater is not None:
                lags[(tp.topic, tp.partition)] = highwater - (rs[-1].offset + 1)
        metrics.count_consumed(consumed)
        metrics.set_lag(self.config.group_id, lags)
