"""Helpers of the segment-svc integration tests: seeding, an oracle, Kafka and the worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from redis import Redis

from segment_svc.settings import SegmentSettings
from segshared.keys import Keys
from segshared.partitioning import partition_for

Doc = Mapping[str, Any]


def members_of(
    doc: Doc, cards: Mapping[int, set[str]], segments: Mapping[int, set[str]]
) -> set[str]:
    """Oracle: the members of a node, by plain Python set operations."""
    ((kind, value),) = doc.items()
    if kind == "card":
        return set(cards.get(value, set()))
    if kind == "segment":
        return set(segments.get(value, set()))
    parts = [members_of(child, cards, segments) for child in value]
    return set.intersection(*parts) if kind == "and" else set.union(*parts)


def oracle(definitions: Mapping[int, Doc], cards: Mapping[int, set[str]]) -> dict[int, set[str]]:
    """Members of every segment (ids in an order where references come first: ascending)."""
    segments: dict[int, set[str]] = {}
    for sid in sorted(definitions):
        doc = definitions[sid]
        members = members_of(doc["include"], cards, segments)
        if doc.get("exclude") is not None:
            members -= members_of(doc["exclude"], cards, segments)
        segments[sid] = members
    return segments


def seed_cards(redis: Redis, keys: Keys, partitions: int, cards: Mapping[int, set[str]]) -> None:
    """Write card sets as card-svc would: each player in the shard of their partition."""
    pipe = redis.pipeline(transaction=False)
    for card_id, players in cards.items():
        for p in range(partitions):
            pipe.delete(keys.card(p, card_id))
        for player in players:
            pipe.sadd(keys.card(partition_for(player, partitions), card_id), player)
    pipe.execute()


def read_set(redis: Redis, key_of: Callable[[int], str], partitions: int) -> set[str]:
    found: set[str] = set()
    for p in range(partitions):
        found |= {m.decode() if isinstance(m, bytes) else m for m in redis.smembers(key_of(p))}
    return found


def card_event(
    *,
    event_id: str,
    player: str,
    card_id: int,
    change: str,
    cards: Iterable[int],
    at: datetime | None = None,
) -> bytes:
    doc = {"event_id": event_id, "version": 1, "type": "card_membership_changed",
           "occurred_at": (at or datetime.now(tz=UTC)).isoformat().replace("+00:00", "Z"),
           "player_id": player, "card_id": card_id, "change": change,
           "cards": sorted(cards), "cause": "event", "cause_event_id": event_id}  # fmt: skip
    return orjson.dumps(doc)


def producer(bootstrap: str) -> KafkaProducer:
    return KafkaProducer(bootstrap_servers=bootstrap.split(","), enable_idempotence=False,
                         acks="all", linger_ms=5)  # fmt: skip


def read_topic(
    bootstrap: str,
    topic: str,
    *,
    partitions: int,
    idle_s: float = 1.5,
    timeout_s: float = 30.0,
    until: Callable[[list[Any]], bool] | None = None,
) -> list[Any]:
    """Every record of ``topic`` from the beginning, read until quiet (or ``until`` holds)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False,
                             consumer_timeout_ms=int(idle_s * 1000))  # fmt: skip
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
        consumer.seek_to_beginning()
        records: list[Any] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            batch = list(consumer)
            records.extend(batch)
            if until is not None and until(records):
                break
            if until is None and not batch:
                break
        return records
    finally:
        consumer.close()


def wait_until(check: Callable[[], bool], *, timeout_s: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what or check}")


def worker_env(settings: SegmentSettings, datadir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PLAYERSEG_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
        PLAYERSEG_REDIS_URL=settings.redis_url,
        PLAYERSEG_PARTITIONS=str(settings.partitions),
        PLAYERSEG_KEY_PREFIX=settings.key_prefix,
        PLAYERSEG_CONSUMER_SESSION_TIMEOUT_S="3",
        PLAYERSEG_CONSUMER_REBALANCE_TIMEOUT_S="3",
        SEGMENT_SVC_DATABASE_URL=settings.database_url,
        SEGMENT_SVC_APP_ID=settings.app_id,
        SEGMENT_SVC_DATADIR=str(datadir),
        SEGMENT_SVC_POLL_INTERVAL_S="0.3",
    )
    return env


def start_worker(settings: SegmentSettings, tmp: Path) -> subprocess.Popen[bytes]:
    """The real worker process (``python -m segment_svc.entrypoints.worker``)."""
    log = (tmp / "worker.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "segment_svc.entrypoints.worker"],
        env=worker_env(settings, tmp / "worker-data"),
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    if proc.poll() is None:
        proc.kill() if kill else proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def committed_up_to_end(bootstrap: str, group: str, topic: str, partitions: int) -> bool:
    """Whether ``group`` has committed every record of ``topic`` (the worker caught up)."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","))
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        ends = consumer.end_offsets(tps)
        committed = admin.list_group_offsets(group).get(group, {})
        return all(
            ends[tp] == 0 or (tp in committed and committed[tp].offset >= ends[tp]) for tp in tps
        )
    finally:
        consumer.close()
        admin.close()


def outbox_empty(redis: Redis, keys: Keys, partitions: int) -> bool:
    return all(redis.xlen(keys.outbox(p, "segment-svc")) == 0 for p in range(partitions))


def committed_total(bootstrap: str, group: str, topic: str) -> int:
    """Records of ``topic`` that ``group`` has committed, over all partitions."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        offsets = admin.list_group_offsets(group).get(group, {})
        return sum(o.offset for tp, o in offsets.items() if tp.topic == topic and o.offset > 0)
    finally:
        admin.close()
