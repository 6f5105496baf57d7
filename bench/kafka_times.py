"""When records reached the broker: Kafka record timestamps (producer CreateTime, epoch ms)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition

from playerseg.devstack.offsets import OffsetReader


@dataclass(frozen=True)
class TopicTimes:
    """Records on a topic and the timestamp of the newest record (None when empty)."""

    records: int
    last_ms: int | None


def end_offsets(bootstrap: str, topics: Iterable[str]) -> dict[TopicPartition, int]:
    reader = OffsetReader(bootstrap)
    try:
        return reader.end_offsets(reader.partitions(topics))
    finally:
        reader.close()


def timestamps_at(
    bootstrap: str, offsets: dict[TopicPartition, int], *, timeout_s: float = 30.0
) -> dict[TopicPartition, int]:
    """Timestamp (ms) of the record at each given offset."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    found: dict[TopicPartition, int] = {}
    try:
        consumer.assign(sorted(offsets))
        for tp, offset in offsets.items():
            consumer.seek(tp, offset)
        deadline = time.monotonic() + timeout_s
        while len(found) < len(offsets) and time.monotonic() < deadline:
            for tp, records in consumer.poll(timeout_ms=300).items():
                for record in records:
                    if record.offset == offsets[tp]:
                        found[tp] = int(record.timestamp)
                        consumer.pause(tp)
    finally:
        consumer.close()
    missing = sorted(set(offsets) - set(found))
    if missing:
        raise RuntimeError(f"could not read the records at {missing}")
    return found


def topic_times(bootstrap: str, topics: Iterable[str]) -> dict[str, TopicTimes]:
    """Per topic: how many records it holds and when its newest one was produced."""
    ends = end_offsets(bootstrap, topics)
    last = timestamps_at(bootstrap, {tp: n - 1 for tp, n in ends.items() if n > 0})
    out: dict[str, TopicTimes] = {}
    for topic in sorted({tp.topic for tp in ends}):
        stamps = [ms for tp, ms in last.items() if tp.topic == topic]
        records = sum(n for tp, n in ends.items() if tp.topic == topic)
        out[topic] = TopicTimes(records, max(stamps) if stamps else None)
    return out
