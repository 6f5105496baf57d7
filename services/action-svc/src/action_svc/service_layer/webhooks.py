"""Webhook delivery of Web API actions: consume ``action.dispatch.webhook``, call, retry, give up.

Every attempt is counted in Redis *before* the request goes out, and its number travels in
``X-Playerseg-Attempt``: after a crash the same idempotency key comes back as attempt 2 or
later, a retry the receiver dedupes, never a second new delivery. An outcome (done, retry
scheduled) is durable before ``handle`` returns, so the consumer commits only settled records.

Wiring in the worker's composition root (``entrypoints/worker.py``)::

    delivery = build_webhook_delivery(settings, redis, send_dead_letter)  # (topic, key, value)
    config = consumer_config(settings, group_id=f"{settings.app_id}-webhooks",
                             topic=WEBHOOK_TOPIC, max_records=500, within_s=0.1)
    webhooks = BatchConsumer(config=config, handle=delivery.handle, lock=asyncio.Lock())
    tasks: webhooks.run_forever(); run_retries(delivery, webhooks.partitions, interval_s=0.5)
    on shutdown: cancel both, then await delivery.aclose()
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from redis.asyncio import Redis

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.webhook_client import WebhookClient
from action_svc.adapters.webhook_state import LogLine, WebhookState
from action_svc.domain.urlguard import parse_allow_list
from action_svc.domain.webhook_policy import (
    Attempt,
    Decision,
    RetryPolicy,
    decide,
    decode_command,
    request_body,
    request_headers,
)
from action_svc.settings import ActionSettings
from segshared import correlation, metrics
from segshared.contracts.codec import DecodeError
from segshared.contracts.dispatch import DispatchCommand, WebhookRequest
from segshared.dlq import DeadLetters, DeadLetterSink, Send
from segshared.retry import raise_if_cancelling
from segshared.topics import dispatch_topic

log = logging.getLogger(__name__)

WEBHOOK_TOPIC = dispatch_topic("webhook")


class Sender(Protocol):
    """One HTTP attempt (``WebhookClient.send``)."""

    async def __call__(
        self, request: WebhookRequest, *, body: bytes, headers: Mapping[str, str]
    ) -> Attempt: ...


class Store(Protocol):
    """The delivery state (``WebhookState``); see there for the meaning of each call."""

    async def begin(self, shard: int, key: str, *, retry: bool) -> int: ...
    async def finish(self, shard: int, line: LogLine, *, now_ms: int) -> None: ...
    async def schedule_retry(
        self, shard: int, line: LogLine, *, command: bytes, due_ms: int
    ) -> None: ...
    async def due(
        self, shard: int, *, now_ms: int, limit: int
    ) -> list[tuple[str, bytes | None]]: ...
    async def drop_retry(self, shard: int, key: str) -> None: ...


@dataclass(frozen=True, slots=True)
class _Job:
    shard: int
    command: DispatchCommand
    raw: bytes
    retry: bool
    offset: int | None = None


class WebhookDelivery:
    """Delivers webhook dispatch commands: first attempts from Kafka, retries from Redis."""

    def __init__(
        self, *, state: Store, send: Sender, dead_letters: DeadLetterSink, policy: RetryPolicy,
        concurrency: int, clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random, retry_batch: int = 1000,
        topic: str = WEBHOOK_TOPIC, on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:  # fmt: skip
        self._state = state
        self._send = send
        self._dead_letters = dead_letters
        self._policy = policy
        self._slots = asyncio.Semaphore(concurrency)  # shared by first attempts and retries
        self._clock = clock
        self._rng = rng
        self.retry_batch = retry_batch
        self._topic = topic
        self._on_close = on_close
        # Keys with an attempt in flight here: a duplicate in a batch, or a key the retry
        # loop holds, is left to that attempt rather than sent twice at once.
        self._in_flight: set[tuple[int, str]] = set()

    async def handle(self, records: Sequence[Any]) -> None:
        """Deliver a batch of ``action.dispatch.webhook`` records; returns once all settled."""
        jobs: list[_Job] = []
        for r in records:
            try:
                command = decode_command(r.value)
            except DecodeError as exc:
                await self._dead_letters.send(
                    topic=self._topic, partition=r.partition, offset=r.offset, key=r.key,
                    value=r.value, reason=exc.reason, detail=exc.detail,
                )  # fmt: skip
                continue
            jobs.append(_Job(r.partition, command, r.value, retry=False, offset=r.offset))
        await self._run(jobs)

    async def retry_due(self, shards: Iterable[int], now_ms: int | None = None) -> int:
        """Attempt the retries of ``shards`` due by ``now_ms``; returns how many it tried."""
        now_ms = self._now_ms() if now_ms is None else now_ms
        jobs: list[_Job] = []
        for p in shards:
            for key, raw in await self._state.due(p, now_ms=now_ms, limit=self.retry_batch):
                if (p, key) in self._in_flight:
                    continue
                try:
                    command = decode_command(raw)
                except DecodeError as exc:  # was valid when scheduled: the state is damaged
                    log.error("dropping the webhook retry of %s: %s", key, exc)
                    await self._state.drop_retry(p, key)
                    continue
                jobs.append(_Job(p, command, raw or b"", retry=True))
        await self._run(jobs)
        return len(jobs)

    async def aclose(self) -> None:
        """Release the HTTP client."""
        if self._on_close is not None:
            await self._on_close()

    async def _run(self, jobs: list[_Job]) -> None:
        # A failure (Redis down) cancels the batch and propagates: nothing is committed, the
        # batch comes again, and the attempt counters make the resends retries.
        async with asyncio.TaskGroup() as group:
            for job in jobs:
                group.create_task(self._one(job))

    async def _one(self, job: _Job) -> None:
        slot = (job.shard, job.command.idempotency_key)
        if slot in self._in_flight:
            return
        self._in_flight.add(slot)
        try:
            async with self._slots:
                await self._deliver(job)
        finally:
            self._in_flight.discard(slot)

    async def _deliver(self, job: _Job) -> None:
        command, key = job.command, job.command.idempotency_key
        n = await self._state.begin(job.shard, key, retry=job.retry)
        if n < 1:
            return  # done, or settled by a scheduled retry: nothing to send
        if n > self._policy.max_attempts:
            # The last attempt started but its worker died before recording the outcome.
            last = f"attempt {n - 1}: no outcome recorded; gave up after {n - 1} attempts"
            decision = Decision("dead_lettered", last, "max_attempts")
        else:
            assert command.webhook is not None
            attempt = await self._send(
                command.webhook, body=request_body(command, job.raw),
                headers=request_headers(command, n),
            )  # fmt: skip
            now = datetime.fromtimestamp(self._clock(), tz=UTC)
            decision = decide(attempt, n, self._policy, now=now, rng=self._rng)
        await self._settle(job, decision)

    async def _settle(self, job: _Job, decision: Decision) -> None:
        command, now_ms = job.command, self._now_ms()
        metrics.count_dispatches("webhook", {decision.outcome: 1})
        if decision.outcome != "delivered":
            with correlation.bound(event=command.idempotency_key):
                log.warning("webhook of action %s to player %s: %s (%s)", command.action_id,
                            command.player_id, decision.outcome, decision.reason)  # fmt: skip

        def line(reason: str) -> LogLine:
            return LogLine(command.action_id, command.idempotency_key, command.player_id,
                           decision.outcome, reason, command.occurrence)  # fmt: skip

        if decision.outcome == "failed":
            due_ms = now_ms + int(decision.delay_s * 1000)
            await self._state.schedule_retry(
                job.shard, line(decision.reason), command=job.raw, due_ms=due_ms
            )
            return
        if decision.outcome == "dead_lettered":
            # Published before the key is marked done: a crash in between sends the dead
            # letter again (at least once), never loses it.
            await self._dead_letters.send(
                topic=self._topic, partition=job.shard, offset=job.offset,
                key=command.player_id.encode(), value=job.raw, reason=decision.dlq_reason,
                detail=decision.reason,
            )  # fmt: skip
            await self._state.finish(
                job.shard, line(f"{decision.dlq_reason}: {decision.reason}"), now_ms=now_ms
            )
            return
        await self._state.finish(job.shard, line(decision.reason), now_ms=now_ms)

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)


def build_webhook_delivery(
    settings: ActionSettings, redis: Redis, send_dead_letter: Send, *,
    clock: Callable[[], float] = time.time, rng: Callable[[], float] = random.random,
) -> WebhookDelivery:  # fmt: skip
    """The delivery wired to Redis, a real HTTP client and the dead-letter topic."""
    client = WebhookClient(
        timeout_s=settings.webhook_timeout_s,
        allow=parse_allow_list(settings.webhook_allow),
        max_connections=settings.webhook_concurrency,
    )
    state = WebhookState(
        redis=redis, keys=ActionKeys(settings.keys), done_ttl_s=settings.dedupe_ttl_s,
        log_max=settings.log_max_per_shard,
    )  # fmt: skip
    policy = RetryPolicy(settings.webhook_max_attempts, settings.webhook_backoff_base_s,
                         settings.webhook_backoff_cap_s)  # fmt: skip
    return WebhookDelivery(
        state=state, send=client.send,
        dead_letters=DeadLetters(redis=redis, keys=settings.keys, send=send_dead_letter),
        policy=policy, concurrency=settings.webhook_concurrency, clock=clock, rng=rng,
        on_close=client.aclose,
    )  # fmt: skip


async def run_retries(
    delivery: WebhookDelivery, shards: Callable[[], list[int]], *, interval_s: float = 0.5,
    clock: Callable[[], float] = time.time,
) -> None:  # fmt: skip
    """Attempt due retries of the shards this worker owns, until cancelled."""
    while True:
        tried = 0
        try:
            tried = await delivery.retry_due(shards(), int(clock() * 1000))
        except Exception:
            raise_if_cancelling()
            log.exception("webhook retries failed; trying again in %ss", interval_s)
        # redis-py can swallow a cancellation that lands mid-command (it becomes a connection
        # error, which its retry then hides): honour the pending cancel request here.
        raise_if_cancelling()
        if tried < delivery.retry_batch:  # a full page may have left more due: go on at once
            await asyncio.sleep(interval_s)
