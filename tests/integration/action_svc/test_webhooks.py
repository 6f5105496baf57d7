"""Webhook delivery against a real broker, Redis and a local HTTP receiver."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import orjson

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.dispatch_log import DispatchLog
from action_svc.adapters.webhook_client import WebhookClient
from action_svc.domain.urlguard import parse_allow_list
from action_svc.settings import ActionSettings
from segshared.contracts import WebhookRequest
from segshared.partitioning import partition_for
from segshared.redis_client import make_redis
from tests.integration.action_svc.conftest import webhook_command, webhook_worker
from tests.integration.action_svc.webhook_receiver import WebhookReceiver

Settings = Callable[..., ActionSettings]
ALLOW_LOCAL = "127.0.0.1"


def new_key() -> str:
    return f"wh-{uuid.uuid4().hex}"


async def stats(settings: ActionSettings, action_id: int = 7) -> dict[str, int]:
    redis = make_redis(settings.redis_url)
    try:
        log = DispatchLog(redis=redis, keys=ActionKeys(settings.keys),
                          partitions=settings.partitions, log_max=1000)  # fmt: skip
        return await log.stats(action_id)
    finally:
        await redis.aclose()


async def test_delivered_once_with_the_idempotency_headers(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    settings = webhook_settings(webhook_allow=ALLOW_LOCAL)
    key, url = new_key(), f"{webhook_receiver.url}/hooks/players"
    value = webhook_command(key, url, headers={"Authorization": "Bearer s3cret"})
    async with webhook_worker(settings) as worker:
        await worker.settled(await worker.produce(value))
    [got] = webhook_receiver.of(key)
    assert (got.method, got.path, got.attempt, got.answered) == ("POST", "/hooks/players", 1, 200)
    assert got.headers["idempotency-key"] == key
    assert got.headers["x-playerseg-action"] == "7"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["authorization"] == "Bearer s3cret"
    assert orjson.loads(got.body)["idempotency_key"] == key  # no template: the command itself
    assert await stats(settings) == {"delivered": 1}


async def test_a_body_template_is_sent_as_rendered(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    settings = webhook_settings(webhook_allow=ALLOW_LOCAL)
    key = new_key()
    value = webhook_command(key, webhook_receiver.url, method="PUT", body='{"player": "p1"}')
    async with webhook_worker(settings) as worker:
        await worker.settled(await worker.produce(value))
    [got] = webhook_receiver.of(key)
    assert (got.method, got.body) == ("PUT", b'{"player": "p1"}')


async def test_retries_with_backoff_then_delivered(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    settings = webhook_settings(webhook_allow=ALLOW_LOCAL, webhook_max_attempts=4)
    key = new_key()
    webhook_receiver.fail(key, 2, status=503)
    # The top of the jitter range makes each wait its ceiling: base * 2**(n-1).
    async with webhook_worker(settings, rng=lambda: 1.0) as worker:
        await worker.settled(await worker.produce(webhook_command(key, webhook_receiver.url)))
        delivered = lambda: any(r.answered == 200 for r in webhook_receiver.of(key))  # noqa: E731
        await asyncio.to_thread(webhook_receiver.wait_for, delivered)
        await asyncio.sleep(0.2)  # the outcome is written after the answer
    got = webhook_receiver.of(key)
    assert [(r.attempt, r.answered) for r in got] == [(1, 503), (2, 503), (3, 200)]
    base = settings.webhook_backoff_base_s
    assert got[1].at - got[0].at >= base
    assert got[2].at - got[1].at >= 2 * base
    assert await stats(settings) == {"failed": 2, "delivered": 1}


async def test_retry_after_is_honoured(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    settings = webhook_settings(webhook_allow=ALLOW_LOCAL)
    key = new_key()
    webhook_receiver.fail(key, 1, status=429, retry_after="1")
    async with webhook_worker(settings) as worker:
        await worker.settled(await worker.produce(webhook_command(key, webhook_receiver.url)))
        retried = lambda: len(webhook_receiver.of(key)) == 2  # noqa: E731
        await asyncio.to_thread(webhook_receiver.wait_for, retried)
    first, second = webhook_receiver.of(key)
    assert second.at - first.at >= 0.95 and second.attempt == 2


async def test_dead_letter_after_the_last_attempt(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    settings = webhook_settings(webhook_allow=ALLOW_LOCAL, webhook_max_attempts=3)
    failing, stalling = new_key(), new_key()
    webhook_receiver.fail(failing, 99, status=503)
    webhook_receiver.stall(stalling, 99, seconds=1.5)  # past the 0.5s timeout
    async with webhook_worker(settings) as worker:
        await worker.produce(webhook_command(failing, webhook_receiver.url))
        await worker.produce(webhook_command(stalling, webhook_receiver.url, player="p2"))
        [failed] = await worker.dead_letters(failing)
        [stalled] = await worker.dead_letters(stalling)
    assert [r.attempt for r in webhook_receiver.of(failing)] == [1, 2, 3]
    assert [r.attempt for r in webhook_receiver.of(stalling)] == [1, 2, 3]
    assert failed["reason"] == "max_attempts" and failed["topic"] == "action.dispatch.webhook"
    assert failed["detail"] == "attempt 3: HTTP 503; gave up after 3 attempts"
    assert failed["key"] == "p1" and failed["_partition"] == partition_for("p1", 8)
    assert orjson.loads(failed["value"])["idempotency_key"] == failing
    assert stalled["reason"] == "max_attempts" and "timeout" in stalled["detail"]
    await asyncio.sleep(0.3)
    assert await stats(settings) == {"failed": 4, "dead_lettered": 2}


async def test_a_client_error_is_dead_lettered_at_once(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    settings = webhook_settings(webhook_allow=ALLOW_LOCAL)
    key = new_key()
    webhook_receiver.fail(key, 99, status=400)
    async with webhook_worker(settings) as worker:
        await worker.settled(await worker.produce(webhook_command(key, webhook_receiver.url)))
        [letter] = await worker.dead_letters(key)
    assert [r.attempt for r in webhook_receiver.of(key)] == [1]
    assert (letter["reason"], letter["detail"]) == ("http_status", "attempt 1: HTTP 400")
    assert await stats(settings) == {"dead_lettered": 1}


async def test_a_loopback_target_is_refused_unless_allowed(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    refused, allowed = new_key(), new_key()
    async with webhook_worker(webhook_settings()) as worker:
        await worker.settled(await worker.produce(webhook_command(refused, webhook_receiver.url)))
        [letter] = await worker.dead_letters(refused)
    assert webhook_receiver.of(refused) == []  # nothing reached the receiver
    assert letter["reason"] == "refused_target"
    assert "127.0.0.1, a loopback address" in letter["detail"]
    assert "ACTION_SVC_WEBHOOK_ALLOW" in letter["detail"]
    async with webhook_worker(webhook_settings(webhook_allow="127.0.0.0/8")) as worker:
        await worker.settled(await worker.produce(webhook_command(allowed, webhook_receiver.url)))
    assert [r.attempt for r in webhook_receiver.of(allowed)] == [1]


async def test_an_allowed_name_is_dialled_at_its_vetted_address_with_its_host(
    webhook_receiver: WebhookReceiver,
) -> None:
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])  # the second lookup would "rebind"

    async def dns(host: str, port: int) -> list[str]:
        return next(answers)

    client = WebhookClient(timeout_s=2.0, allow=parse_allow_list("127.0.0.1"), resolve=dns)
    url = f"http://hooks.test:{webhook_receiver.port}/x"
    request = WebhookRequest(url=url)
    try:
        first = await client.send(request, body=b"{}", headers={"Idempotency-Key": "a"})
        again = await client.send(request, body=b"{}", headers={"Idempotency-Key": "b"})
    finally:
        await client.aclose()
    assert first.status == 200 and again.status == 200  # the kept-alive vetted connection
    assert webhook_receiver.of("a")[0].headers["host"] == f"hooks.test:{webhook_receiver.port}"


async def test_a_redelivered_record_of_a_done_key_sends_nothing(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    settings = webhook_settings(webhook_allow=ALLOW_LOCAL)
    key = new_key()
    value = webhook_command(key, webhook_receiver.url)
    async with webhook_worker(settings) as worker:
        await worker.settled(await worker.produce(value))
        await worker.settled(await worker.produce(value), await worker.produce(value))
    assert len(webhook_receiver.of(key)) == 1
    assert await stats(settings) == {"delivered": 1}


async def test_after_a_crash_mid_attempt_the_resend_is_a_retry(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    settings = webhook_settings(webhook_allow=ALLOW_LOCAL)
    key = new_key()
    # A worker counted attempt 1 and was killed before the response was recorded.
    redis = make_redis(settings.redis_url)
    shard = partition_for("p1", settings.partitions)
    await redis.hincrby(ActionKeys(settings.keys).webhook_attempts(shard), key, 1)
    await redis.aclose()
    async with webhook_worker(settings) as worker:
        await worker.settled(await worker.produce(webhook_command(key, webhook_receiver.url)))
    assert [r.attempt for r in webhook_receiver.of(key)] == [2]
    assert webhook_receiver.new_deliveries(key) == 0


async def test_malformed_records_are_dead_lettered_and_the_stream_goes_on(
    webhook_settings: Settings, webhook_receiver: WebhookReceiver
) -> None:
    settings = webhook_settings(webhook_allow=ALLOW_LOCAL)
    bad, good = new_key(), new_key()
    async with webhook_worker(settings) as worker:
        one = await worker.produce(b'{"idempotency_key": "' + bad.encode() + b'", "version": 1')
        two = await worker.produce(webhook_command(good, webhook_receiver.url))
        await worker.settled(one, two)
        [letter] = await worker.dead_letters(bad)
    assert letter["reason"] == "malformed_json"
    assert [r.attempt for r in webhook_receiver.of(good)] == [1]
