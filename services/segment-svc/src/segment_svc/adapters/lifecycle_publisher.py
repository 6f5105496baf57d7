"""Publishing segment lifecycle events with kafka-python (a blocking client: run in a thread)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from kafka import KafkaProducer

from segment_svc.service_layer.lifecycle import LifecycleRecord
from segshared import metrics
from segshared.correlation import KAFKA_HEADER
from segshared.topics import SEGMENT_LIFECYCLE


class KafkaLifecyclePublisher:
    """Sends ``(key, value)`` records to ``segment.lifecycle`` and waits for the acks."""

    def __init__(
        self,
        *,
        bootstrap_servers: Sequence[str],
        timeout_s: float = 10.0,
        topic: str = SEGMENT_LIFECYCLE,
    ) -> None:
        self._servers = list(bootstrap_servers)
        self._timeout_s = timeout_s
        self._topic = topic
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()

    def _client(self) -> KafkaProducer:
        # Created on first use: the API must start even while the broker is down.
        with self._lock:
            if self._producer is None:
                self._producer = KafkaProducer(
                    bootstrap_servers=self._servers,
                    acks="all",
                    # No idempotent producer (the embedded broker lacks InitProducerId);
                    # one request in flight keeps retried records in order instead.
                    enable_idempotence=False,
                    retries=5,
                    max_in_flight_requests_per_connection=1,
                    linger_ms=0,
                    request_timeout_ms=int(self._timeout_s * 1000),
                )
            return self._producer

    def publish(self, records: Sequence[LifecycleRecord]) -> None:
        """Blocking: send every record in order and wait until all are acknowledged; each
        carries its change's correlation id as a header."""
        producer = self._client()
        futures = [
            producer.send(self._topic, key=key.encode(), value=value,
                          headers=[(KAFKA_HEADER, cid.encode())] if cid else None)
            for key, value, cid in records
        ]  # fmt: skip
        for future in futures:
            future.get(timeout=self._timeout_s)
        metrics.count_produced([self._topic] * len(records))

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=self._timeout_s)
                self._producer = None
