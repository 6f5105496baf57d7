"""Publishing card.lifecycle events with kafka-python (sync: call it from a thread)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from kafka import KafkaProducer

from segshared import correlation, metrics
from segshared.contracts import CardLifecycleEvent, encode
from segshared.topics import CARD_LIFECYCLE

log = logging.getLogger(__name__)


class LifecyclePublisher:
    """One lazily connected producer; keyed by card id so a card's events stay in order."""

    def __init__(self, bootstrap_servers: list[str], *, timeout_s: float = 10.0) -> None:
        self._servers = bootstrap_servers
        self._timeout_s = timeout_s
        self._producer: Any = None
        self._guard = threading.Lock()

    def _client(self) -> Any:
        with self._guard:
            if self._producer is None:
                self._producer = KafkaProducer(
                    bootstrap_servers=self._servers, acks=1, linger_ms=0, retries=3
                )
            return self._producer

    def publish(self, event: CardLifecycleEvent) -> None:
        """Send and wait for the broker's acknowledgement."""
        future = self._client().send(
            CARD_LIFECYCLE, key=str(event.card_id).encode(), value=encode(event),
            headers=correlation.kafka_headers(),
        )  # fmt: skip
        future.get(timeout=self._timeout_s)
        metrics.count_produced([CARD_LIFECYCLE])

    def close(self) -> None:
        with self._guard:
            if self._producer is not None:
                self._producer.close(timeout=5)
                self._producer = None
