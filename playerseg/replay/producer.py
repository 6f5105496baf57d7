"""Publishes a bets file to ``player.events``: each row as bet_placed then bet_settled."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError
from tqdm import tqdm

from playerseg.replay.events import bet_events
from playerseg.replay.rate import TokenBucket
from playerseg.replay.rows import Bet, RowError
from playerseg.replay.source import read_bets
from segshared.contracts import encode
from segshared.partitioning import partition_for
from segshared.topics import PLAYER_EVENTS

_PROGRESS_STEP = 1000


class ReplayError(RuntimeError):
    """The broker refused the replay (topic missing, wrong partition count, send failures)."""


@dataclass(frozen=True, slots=True)
class Record:
    partition: int
    key: bytes
    value: bytes


@dataclass
class ReplayStats:
    """What a replay did: ``rows`` bets published as ``events`` records, ``bad_rows`` skipped."""

    rows: int = 0
    events: int = 0
    seconds: float = 0.0
    bad_rows: list[RowError] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.bad_rows)

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def encode_bets(bets: Iterable[Bet], *, partitions: int, stats: ReplayStats) -> list[Record]:
    """Records in publishing order; a bet whose events do not validate joins ``bad_rows``."""
    records: list[Record] = []
    for bet in bets:
        try:
            events = bet_events(bet)
        except RowError as exc:
            stats.bad_rows.append(exc)
            continue
        key = bet.player_id.encode()
        partition = partition_for(bet.player_id, partitions)
        records.extend(Record(partition, key, encode(e)) for e in events)
        stats.rows += 1
    return records


@contextmanager
def kafka_producer(bootstrap: str, **overrides: Any) -> Iterator[KafkaProducer]:
    """A throughput-tuned producer; per-partition order holds because one request is in flight."""
    config: dict[str, Any] = {
        "bootstrap_servers": [s.strip() for s in bootstrap.split(",")],
        "acks": 1,
        # The test broker has no idempotent producer (InitProducerId fails).
        "enable_idempotence": False,
        # With retries and several requests in flight a retried batch could overtake a later
        # one: one in flight keeps each player's events in order.
        "max_in_flight_requests_per_connection": 1,
        "linger_ms": 20,
        "batch_size": 256 * 1024,
        "max_request_size": 4 * 1024 * 1024,
        "allow_auto_create_topics": False,
        "max_block_ms": 15_000,
    }
    config.update(overrides)
    producer = KafkaProducer(**config)
    try:
        yield producer
    finally:
        producer.close(timeout=10)


def check_topic(producer: KafkaProducer, *, topic: str, partitions: int, bootstrap: str) -> None:
    """Fail clearly when the topic is missing or its partition count is not ``partitions``."""
    try:
        found = producer.partitions_for(topic)
    except KafkaTimeoutError:
        found = None
    if not found:
        raise ReplayError(
            f"topic {topic} does not exist on {bootstrap}; create the topics first "
            "(./dev up does, or playerseg.devstack.topics.ensure_topics)"
        )
    if len(found) != partitions:
        raise ReplayError(
            f"topic {topic} has {len(found)} partitions but the replay was asked for "
            f"{partitions}; pass --partitions {len(found)} or recreate the topic"
        )


def publish(
    producer: KafkaProducer,
    records: list[Record],
    *,
    topic: str = PLAYER_EVENTS,
    rate: float | None = None,
    progress: bool = True,
) -> None:
    """Send every record, paced to ``rate`` events/s when given, and wait for the acks."""
    failures: list[BaseException] = []
    bucket = TokenBucket(rate) if rate else None
    with tqdm(total=len(records), unit="ev", disable=not progress, smoothing=0.1) as bar:
        for i, record in enumerate(records, 1):
            if bucket is not None:
                bucket.acquire()
            future = producer.send(
                topic, key=record.key, value=record.value, partition=record.partition
            )
            future.add_errback(failures.append)
            if i % _PROGRESS_STEP == 0:
                bar.update(_PROGRESS_STEP)
                if failures:
                    break
        producer.flush()
        bar.update(len(records) % _PROGRESS_STEP)
    if failures:
        raise ReplayError(f"{len(failures)} record(s) were not acknowledged: {failures[0]!r}")


def replay_file(
    path: str | Path,
    *,
    bootstrap: str,
    partitions: int,
    rate: float | None = None,
    limit: int | None = None,
    progress: bool = True,
    topic: str = PLAYER_EVENTS,
) -> ReplayStats:
    """Publish the bets of ``path`` in (played_at, bet_id) order; see ``playerseg replay``."""
    bet_file = read_bets(Path(path), limit=limit)
    stats = ReplayStats(bad_rows=list(bet_file.bad_rows))
    records = encode_bets(bet_file.bets, partitions=partitions, stats=stats)
    stats.bad_rows.sort(key=lambda e: e.line)
    try:
        with kafka_producer(bootstrap) as producer:
            check_topic(producer, topic=topic, partitions=partitions, bootstrap=bootstrap)
            started = time.perf_counter()
            publish(producer, records, topic=topic, rate=rate, progress=progress)
            stats.seconds = time.perf_counter() - started
    except KafkaError as exc:
        raise ReplayError(f"cannot publish to {bootstrap}: {exc}") from exc
    stats.events = len(records)
    return stats
