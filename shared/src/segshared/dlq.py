"""Dead letters: a record that cannot be processed goes to ``<topic>.dlq`` with the reason,
is counted, and the stream carries on (DESIGN decision 4)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Protocol

import orjson
from redis.asyncio import Redis

from segshared import correlation, metrics
from segshared.contracts.dead_letter import Base64, DeadLetter
from segshared.keys import Keys
from segshared.topics import dlq

log = logging.getLogger(__name__)

#: ``send(topic, key, value)`` publishes one record and returns once it is acknowledged.
Send = Callable[[str, bytes | None, bytes], Awaitable[None]]


def dead_letter_record(
    *,
    topic: str,
    partition: int | None,
    offset: int | None,
    key: bytes | None,
    value: bytes | None,
    reason: str,
    detail: str,
) -> bytes:
    """The JSON body of a dead letter: why it failed, where it came from, and the original."""
    letter = DeadLetter(reason=reason, detail=detail, topic=topic, partition=partition,
                        offset=offset, failed_at=datetime.now(tz=UTC), key=_text_or_b64(key),
                        value=_text_or_b64(value))  # fmt: skip
    return orjson.dumps(letter.model_dump(mode="json"))


def _text_or_b64(raw: bytes | None) -> str | Base64 | None:
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return Base64(base64=base64.b64encode(raw).decode())


class DeadLetterSink(Protocol):
    """What a batch needs of :class:`DeadLetters` (so pure service code can be tested)."""

    async def send(
        self,
        *,
        topic: str,
        partition: int | None,
        offset: int | None,
        key: bytes | None,
        value: bytes | None,
        reason: str,
        detail: str,
    ) -> None: ...


class DeadLetters:
    """Sends dead letters and keeps their counts per topic and reason in Redis."""

    def __init__(self, *, redis: Redis, keys: Keys, send: Send) -> None:
        self._redis = redis
        self._keys = keys
        self._send = send

    async def send(
        self,
        *,
        topic: str,
        partition: int | None,
        offset: int | None,
        key: bytes | None,
        value: bytes | None,
        reason: str,
        detail: str,
    ) -> None:
        """Publish one dead letter, then count it (a crash in between only undercounts)."""
        body = dead_letter_record(
            topic=topic,
            partition=partition,
            offset=offset,
            key=key,
            value=value,
            reason=reason,
            detail=detail,
        )
        await self._send(dlq(topic), key, body)
        metrics.count_produced([dlq(topic)])
        metrics.DEAD_LETTERS.labels(topic, reason).inc()
        with correlation.bound(event=_event_id(value)):
            log.warning("dead-lettered a %s record: %s (%s)", topic, reason, detail,
                        extra={"topic": topic, "partition": partition, "offset": offset,
                               "reason": reason})  # fmt: skip
        await self._redis.hincrby(self._keys.dead_letter_counts(), f"{topic}|{reason}", 1)

    async def counts(self) -> dict[str, int]:
        """``{"<topic>|<reason>": n}`` of every dead letter sent."""
        raw = await self._redis.hgetall(self._keys.dead_letter_counts())
        return {_s(k): int(v) for k, v in raw.items()}


def _event_id(value: bytes | None) -> str | None:
    """The ``event_id`` of a rejected record, when it has a readable one (for its log line)."""
    try:
        doc = orjson.loads(value or b"")
    except orjson.JSONDecodeError:
        return None
    found = doc.get("event_id") if isinstance(doc, dict) else None
    return found if isinstance(found, str) else None


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
