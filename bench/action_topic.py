"""The dispatch topic of the send bench: wait for its records, then read every one back."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition

from bench.kafka_times import end_offsets


@dataclass(frozen=True, slots=True)
class Dispatched:
    partition: int
    key: bytes | None
    timestamp_ms: int
    value: bytes


def records_on(bootstrap: str, topic: str) -> dict[TopicPartition, int]:
    """End offset of each partition (a fresh reader each time: see RESULTS.md, offsets.py)."""
    return end_offsets(bootstrap, [topic])


def wait_records(
    bootstrap: str, topic: str, *, want: int, check: Callable[[], None], timeout_s: float,
    sent: Callable[[], bool] = lambda: True, stable_s: float = 1.5, poll_s: float = 0.5,
) -> int:  # fmt: skip
    """Wait until ``topic`` holds at least ``want`` records and no more arrive for ``stable_s``
    (so that extra records are seen too); returns how many it holds.

    ``sent`` is a cheap test (a few Redis reads) asked first: reading end offsets takes a
    fresh Kafka client each time, CPU that the measured worker would otherwise have.
    """
    deadline = time.monotonic() + timeout_s
    while not sent() and time.monotonic() < deadline:
        check()
        time.sleep(0.1)
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        check()
        total = sum(records_on(bootstrap, topic).values())
        now = time.monotonic()
        if total != last:
            last, since = total, now
        elif total >= want and now - since >= stable_s:
            return total
        time.sleep(poll_s)
    raise TimeoutError(f"{topic} holds {last:,} records after {timeout_s:.0f}s, want {want:,}")


def read_all(bootstrap: str, topic: str, *, timeout_s: float = 120.0) -> list[Dispatched]:
    """Every record of ``topic`` from the beginning, up to the end offsets read first."""
    ends = {tp: n for tp, n in records_on(bootstrap, topic).items() if n > 0}
    if not ends:
        return []
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap.split(","), group_id=None, enable_auto_commit=False,
        max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024,
    )  # fmt: skip
    out: list[Dispatched] = []
    try:
        consumer.assign(sorted(ends))
        consumer.seek_to_beginning(*ends)
        remaining = dict(ends)
        deadline = time.monotonic() + timeout_s
        while remaining and time.monotonic() < deadline:
            for tp, records in consumer.poll(timeout_ms=500, max_records=20_000).items():
                for r in records:
                    if r.offset < ends[tp]:
                        out.append(Dispatched(tp.partition, r.key, int(r.timestamp), r.value))
                if consumer.position(tp) >= ends[tp]:
                    remaining.pop(tp, None)
                    consumer.pause(tp)
    finally:
        consumer.close()
    if remaining:
        raise RuntimeError(f"could not read {topic} to its end: {sorted(remaining)}")
    return out
