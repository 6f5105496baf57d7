"""Kafka, Redis and process helpers shared by the integration tests of every service."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from redis import Redis


def read_set(redis: Redis, key_of: Callable[[int], str], partitions: int) -> set[str]:
    found: set[str] = set()
    for p in range(partitions):
        found |= {m.decode() if isinstance(m, bytes) else m for m in redis.smembers(key_of(p))}
    return found


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


def committed_total(bootstrap: str, group: str, topic: str) -> int:
    """Records of ``topic`` that ``group`` has committed, over all partitions."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        offsets = admin.list_group_offsets(group).get(group, {})
        return sum(o.offset for tp, o in offsets.items() if tp.topic == topic and o.offset > 0)
    finally:
        admin.close()
