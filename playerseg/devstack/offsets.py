"""End offsets and committed offsets, read the same way from Tansu and from Apache Kafka."""

from __future__ import annotations

import time
from collections.abc import Iterable

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition


class OffsetReader:
    """Reads topic end offsets and consumer groups' committed offsets.

    Tansu answers ListOffsets(latest) with the base offset of the partition's last record
    batch plus one, not with the high watermark. Reading that last batch returns the true
    high watermark, and on Apache Kafka it reads the last record: the same code serves both.
    """

    def __init__(self, bootstrap: str) -> None:
        servers = bootstrap.split(",")
        self.admin = KafkaAdminClient(bootstrap_servers=servers, request_timeout_ms=10_000)
        self.consumer = KafkaConsumer(
            bootstrap_servers=servers,
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
            request_timeout_ms=10_000,
        )

    def close(self) -> None:
        self.consumer.close()
        self.admin.close()

    def partitions(self, topics: Iterable[str]) -> list[TopicPartition]:
        """Every partition of the ``topics`` that exist."""
        tps = []
        for topic in sorted(set(topics)):
            for p in sorted(self.consumer.partitions_for_topic(topic) or ()):
                tps.append(TopicPartition(topic, p))
        return tps

    def end_offsets(
        self, tps: list[TopicPartition], *, timeout_s: float = 5.0
    ) -> dict[TopicPartition, int]:
        """High watermark of each partition."""
        listed: dict[TopicPartition, int] = self.consumer.end_offsets(tps) if tps else {}
        ends = dict(listed)
        pending = {tp for tp, offset in listed.items() if offset > 0}
        if not pending:
            return ends
        self.consumer.assign(sorted(pending))
        for tp in pending:
            self.consumer.seek(tp, listed[tp] - 1)
        deadline = time.monotonic() + timeout_s
        while pending and time.monotonic() < deadline:
            for tp, records in self.consumer.poll(timeout_ms=200).items():
                if tp in pending and records:
                    high = self.consumer.highwater(tp)
                    ends[tp] = max(records[-1].offset + 1, high if high is not None else 0)
                    pending.discard(tp)
                    self.consumer.pause(tp)
        self.consumer.assign([])
        return ends

    def groups(self) -> list[str]:
        """Consumer groups the broker knows."""
        return sorted(g["group_id"] for g in self.admin.list_groups())

    def committed(self, group: str) -> dict[TopicPartition, int]:
        """Committed offset of each partition ``group`` has committed."""
        result = self.admin.list_group_offsets(group).get(group, {})
        return {tp: meta.offset for tp, meta in result.items() if meta.offset >= 0}
