"""WebhookDelivery with in-memory fakes: attempt numbering, retries, dead letters, skips."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from action_svc.adapters.webhook_state import DONE, NOT_SCHEDULED, SCHEDULED, LogLine
from action_svc.domain.webhook_policy import Attempt, RetryPolicy
from action_svc.service_layer.webhooks import WebhookDelivery
from segshared.contracts import WebhookRequest

T0 = 1_714_564_800.0  # epoch seconds


class FakeStore:
    """The semantics of WebhookState, in memory."""

    def __init__(self) -> None:
        self.attempts: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.retry: dict[str, int] = {}
        self.pending: dict[str, bytes] = {}
        self.log: list[LogLine] = []

    async def begin(self, shard: int, key: str, *, retry: bool) -> int:
        if key in self.done:
            return DONE
        if not retry and key in self.retry:
            return SCHEDULED
        if retry and key not in self.retry:
            return NOT_SCHEDULED
        self.attempts[key] = self.attempts.get(key, 0) + 1
        return self.attempts[key]

    async def finish(self, shard: int, line: LogLine, *, now_ms: int) -> None:
        self.done[line.key] = now_ms
        for table in (self.attempts, self.retry, self.pending):
            table.pop(line.key, None)
        self.log.append(line)

    async def schedule_retry(
        self, shard: int, line: LogLine, *, command: bytes, due_ms: int
    ) -> None:
        self.retry[line.key] = due_ms
        self.pending[line.key] = command
        self.log.append(line)

    async def due(self, shard: int, *, now_ms: int, limit: int) -> list[tuple[str, bytes | None]]:
        keys = sorted((due, k) for k, due in self.retry.items() if due <= now_ms)[:limit]
        return [(k, self.pending.get(k)) for _, k in keys]

    async def drop_retry(self, shard: int, key: str) -> None:
        self.retry.pop(key, None)
        self.pending.pop(key, None)


@dataclass
class FakeSender:
    """Answers each attempt from a script per key (default 200) and records the calls."""

    script: dict[str, list[Attempt]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    async def __call__(
        self, request: WebhookRequest, *, body: bytes, headers: Mapping[str, str]
    ) -> Attempt:
        key = headers["Idempotency-Key"]
        self.calls.append((key, dict(headers), body))
        answers = self.script.get(key, [])
        return answers.pop(0) if answers else Attempt(200)


@dataclass
class FakeDeadLetters:
    sent: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, **letter: Any) -> None:
        self.sent.append(letter)


@dataclass
class Clock:
    now: float = T0

    def __call__(self) -> float:
        return self.now


@dataclass
class Record:
    value: bytes | None
    partition: int = 3
    offset: int = 0
    key: bytes | None = b"p1"
    topic: str = "action.dispatch.webhook"


def raw(key: str, **extra: Any) -> bytes:
    return orjson.dumps({
        "event_id": key, "version": 1, "occurred_at": "2024-05-01T12:00:00Z", "type": "dispatch",
        "idempotency_key": key, "action_id": 7, "action_name": "hook", "channel": "webhook",
        "player_id": "p1", "occurrence": "o1", "reason": "entered", "target_kind": "segment",
        "target_id": 3, "webhook": {"url": "https://hooks.example.com/x"}, **extra,
    })  # fmt: skip


Harness = tuple[WebhookDelivery, FakeStore, FakeSender, FakeDeadLetters, Clock]


def harness(max_attempts: int = 3) -> Harness:
    store, sender, dead, clock = FakeStore(), FakeSender(), FakeDeadLetters(), Clock()
    delivery = WebhookDelivery(
        state=store, send=sender, dead_letters=dead, concurrency=4, clock=clock,
        policy=RetryPolicy(max_attempts=max_attempts, base_s=1.0, cap_s=10.0), rng=lambda: 1.0,
    )  # fmt: skip
    return delivery, store, sender, dead, clock


async def test_delivered_once_with_headers_and_logged() -> None:
    delivery, store, sender, dead, _ = harness()
    await delivery.handle([Record(raw("k1"))])
    [(key, headers, body)] = sender.calls
    assert (key, headers["X-Playerseg-Attempt"], headers["X-Playerseg-Action"]) == ("k1", "1", "7")
    assert body == raw("k1")
    assert "k1" in store.done and not store.attempts and not dead.sent
    assert [(x.outcome, x.reason) for x in store.log] == [("delivered", "attempt 1: HTTP 200")]


async def test_redelivery_of_a_done_key_sends_nothing() -> None:
    delivery, _, sender, _, _ = harness()
    await delivery.handle([Record(raw("k1"))])
    await delivery.handle([Record(raw("k1")), Record(raw("k1"), offset=1)])
    assert len(sender.calls) == 1


async def test_duplicates_in_one_batch_send_once() -> None:
    delivery, _, sender, _, _ = harness()
    await delivery.handle([Record(raw("k1")), Record(raw("k1"), offset=1)])
    assert len(sender.calls) == 1


async def test_failure_schedules_a_retry_then_retry_delivers_as_attempt_2() -> None:
    delivery, store, sender, _, clock = harness()
    sender.script["k1"] = [Attempt(503)]
    await delivery.handle([Record(raw("k1"))])
    assert store.retry == {"k1": int(T0 * 1000) + 1000}  # base 1s, rng at the top
    assert store.pending["k1"] == raw("k1")
    assert await delivery.retry_due([3], int(T0 * 1000) + 999) == 0  # not due yet
    # A redelivery of the record while its retry is scheduled sends nothing.
    await delivery.handle([Record(raw("k1"))])
    assert len(sender.calls) == 1
    clock.now = T0 + 1
    assert await delivery.retry_due([3]) == 1
    assert [h["X-Playerseg-Attempt"] for _, h, _ in sender.calls] == ["1", "2"]
    assert [(x.outcome, x.reason) for x in store.log] == [
        ("failed", "attempt 1: HTTP 503"), ("delivered", "attempt 2: HTTP 200")]  # fmt: skip
    assert not store.retry and "k1" in store.done


async def test_gives_up_after_max_attempts_with_a_dead_letter() -> None:
    delivery, store, sender, dead, clock = harness(max_attempts=3)
    sender.script["k1"] = [Attempt(None, "timeout: slow")] * 3
    await delivery.handle([Record(raw("k1"), offset=41)])
    for _ in range(2):
        clock.now += 60
        await delivery.retry_due([3])
    assert [h["X-Playerseg-Attempt"] for _, h, _ in sender.calls] == ["1", "2", "3"]
    [letter] = dead.sent
    assert letter["reason"] == "max_attempts" and letter["value"] == raw("k1")
    assert letter["detail"] == "attempt 3: timeout: slow; gave up after 3 attempts"
    where = (letter["topic"], letter["partition"], letter["key"])
    assert where == ("action.dispatch.webhook", 3, b"p1")
    assert [x.outcome for x in store.log] == ["failed", "failed", "dead_lettered"]
    assert store.log[-1].reason.startswith("max_attempts: attempt 3")
    clock.now += 600
    assert await delivery.retry_due([3]) == 0 and "k1" in store.done


async def test_non_retryable_dead_letters_at_once() -> None:
    delivery, store, sender, dead, _ = harness()
    sender.script["k1"] = [Attempt(400)]
    await delivery.handle([Record(raw("k1"), offset=5)])
    [letter] = dead.sent
    assert (letter["reason"], letter["offset"]) == ("http_status", 5)
    assert letter["detail"] == "attempt 1: HTTP 400"
    assert "k1" in store.done and not store.retry


async def test_a_crash_after_counting_makes_the_resend_attempt_2() -> None:
    delivery, store, sender, _, _ = harness()
    store.attempts["k1"] = 1  # attempt 1 started, the worker died before its outcome
    await delivery.handle([Record(raw("k1"))])
    assert [h["X-Playerseg-Attempt"] for _, h, _ in sender.calls] == ["2"]


async def test_no_outcome_of_the_last_attempt_dead_letters_without_sending() -> None:
    delivery, store, sender, dead, _ = harness(max_attempts=3)
    store.attempts["k1"] = 3
    await delivery.handle([Record(raw("k1"))])
    assert not sender.calls
    assert [d["reason"] for d in dead.sent] == ["max_attempts"] and "k1" in store.done


async def test_malformed_records_dead_letter_and_the_batch_goes_on() -> None:
    delivery, _, sender, dead, _ = harness()
    await delivery.handle([Record(b"{oops", offset=1), Record(raw("k2"), offset=2)])
    [letter] = dead.sent
    assert (letter["reason"], letter["offset"], letter["value"]) == ("malformed_json", 1, b"{oops")
    assert [k for k, _, _ in sender.calls] == ["k2"]


async def test_concurrency_is_bounded() -> None:
    import asyncio

    in_flight = peak = 0

    async def slow(request: WebhookRequest, *, body: bytes, headers: Mapping[str, str]) -> Attempt:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return Attempt(200)

    store = FakeStore()
    delivery = WebhookDelivery(state=store, send=slow, dead_letters=FakeDeadLetters(),
                               policy=RetryPolicy(3, 1.0, 10.0), concurrency=3)  # fmt: skip
    await delivery.handle([Record(raw(f"k{i}")) for i in range(20)])
    assert peak == 3 and len(store.done) == 20
