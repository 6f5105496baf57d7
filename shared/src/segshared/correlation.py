"""The correlation id and event id of the work in progress, carried across services.

Inside a process they live in context variables (asyncio tasks and ``to_thread`` copy them);
between services an HTTP request carries ``X-Correlation-ID`` and a Kafka record a
``correlation_id`` header. Logs read both (segshared.logs).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

HTTP_HEADER = "X-Correlation-ID"
KAFKA_HEADER = "correlation_id"
#: Longest id accepted from a caller; a longer (or empty) one is replaced by a new one.
MAX_LENGTH = 128

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
event_id: ContextVar[str | None] = ContextVar("event_id", default=None)

KafkaHeaders = list[tuple[str, bytes]]


def new_id() -> str:
    return uuid.uuid4().hex


def accepted(given: str | None) -> str:
    """A caller's id if it is usable, else a new one."""
    if given and len(given) <= MAX_LENGTH and given.isprintable():
        return given
    return new_id()


@contextmanager
def bound(correlation: str | None = None, event: str | None = None) -> Iterator[None]:
    """Within the block, logs and produced records carry these ids (None keeps the current)."""
    tokens = []
    if correlation is not None:
        tokens.append((correlation_id, correlation_id.set(correlation)))
    if event is not None:
        tokens.append((event_id, event_id.set(event)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def kafka_headers() -> KafkaHeaders | None:
    """Headers for a record produced now: the current correlation id, if any."""
    current = correlation_id.get()
    return [(KAFKA_HEADER, current.encode())] if current else None


def of_record(record: Any) -> str | None:
    """The correlation id of a consumed record (anything with ``headers``, or without)."""
    return from_headers(getattr(record, "headers", None))


def from_headers(headers: Iterable[tuple[str, bytes]] | None) -> str | None:
    """The correlation id a consumed record carries, if any."""
    for name, value in headers or ():
        if name == KAFKA_HEADER and value:
            return value.decode("utf-8", errors="replace")
    return None
