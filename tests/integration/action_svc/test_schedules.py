"""Scheduled sends driven by a controllable clock: the worker's ``Ticker.tick(now)`` in process,
on a real Redis and PostgreSQL. The expected occurrences are computed here with zoneinfo."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson
import pytest
from redis import Redis

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.dispatch_log import DispatchLog
from action_svc.adapters.dispatch_store import DispatchStore
from action_svc.adapters.target_sets import TargetSets
from action_svc.adapters.trigger_store import TriggerStore
from action_svc.domain.idempotency import dispatch_key
from action_svc.service_layer.catalogue import CatalogueCache
from action_svc.service_layer.limits import Limiters
from action_svc.service_layer.ticks import Ticker
from action_svc.settings import ActionSettings
from segshared.db import make_engine, make_session_factory
from segshared.redis_client import make_redis
from tests.integration.action_svc.harness import PARTITIONS, ActionsApi, TargetsStub, seed_target

ZONE = ZoneInfo("Europe/Malta")


@pytest.fixture
async def ticker(act_settings: ActionSettings) -> AsyncIterator[Ticker]:
    redis = make_redis(act_settings.redis_url)
    engine = make_engine(act_settings.database_url)
    sessions = make_session_factory(engine)
    keys = ActionKeys(act_settings.keys)
    yield Ticker(
        settings=act_settings, session_factory=sessions, redis=redis, keys=keys,
        cache=CatalogueCache(sessions), triggers=TriggerStore(redis=redis, keys=keys),
        store=DispatchStore(redis=redis, keys=keys, dedupe_ttl_s=86_400, log_max=10_000),
        log=DispatchLog(redis=redis, keys=keys, partitions=PARTITIONS, log_max=10_000),
        targets=TargetSets(redis=redis, keys=keys), limiters=Limiters(default_rate_per_s=0),
        shards=lambda: list(range(PARTITIONS)),
    )  # fmt: skip
    await redis.aclose()
    engine.dispose()


def _next_daily(after: datetime, hour: int, minute: int) -> datetime:
    """Oracle: the first local HH:MM in ZONE strictly after ``after``."""
    local = after.astimezone(ZONE)
    candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    while candidate <= local:
        candidate = (candidate + timedelta(days=1)).replace(hour=hour, minute=minute)
    return candidate.astimezone(UTC)


def _target(
    api: ActionsApi, stub: TargetsStub, redis: Redis, kind: str, target_id: int, members: list[str]
) -> None:
    """A segment or card that action-svc finds (the stub) with these members (its sets)."""
    stub.add(kind, target_id)
    seed_target(redis, api.settings.keys, kind, target_id, members)


def _outbox_keys(redis: Redis, keys: ActionKeys) -> list[str]:
    found = []
    for p in range(PARTITIONS):
        for _, fields in redis.xrange(keys.outbox(p)):
            found.append(orjson.loads(fields[b"v"])["idempotency_key"])
    return found


async def test_daily_schedule_sends_each_occurrence_once(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, ticker: Ticker
) -> None:
    keys = ActionKeys(actions_api.settings.keys)
    members = [f"d{i}" for i in range(700)]
    _target(actions_api, targets_stub, sync_redis, "segment", 3, members)
    action = await actions_api.create(
        name="Daily digest", target={"kind": "segment", "id": 3}, type="scheduled",
        schedule={"every": "day", "at": "09:30", "timezone": "Europe/Malta"},
        channel="push", definition={"title": "Today", "body": "Hello {{player_id}}"},
    )  # fmt: skip
    created = datetime.fromisoformat(action["created_at"])
    first = _next_daily(created, 9, 30)
    second = _next_daily(first, 9, 30)

    assert (await ticker.tick(first - timedelta(seconds=1)))["runs_planned"] == 0
    assert _outbox_keys(sync_redis, keys) == []

    counts = await ticker.tick(first + timedelta(seconds=1))
    assert counts["runs_planned"] == 1 and counts["dispatched"] == len(members)
    occurrence = "at:" + first.strftime("%Y-%m-%dT%H:%M:%SZ")
    expected = {dispatch_key(action["id"], occurrence, m) for m in members}
    assert sorted(_outbox_keys(sync_redis, keys)) == sorted(expected)

    again = await ticker.tick(first + timedelta(minutes=5))
    assert again["runs_planned"] == 0 and again["dispatched"] == 0

    # Members change before the next occurrence: it goes to the members of that moment.
    seed_target(sync_redis, actions_api.settings.keys, "segment", 3, members[:100])
    counts = await ticker.tick(second + timedelta(seconds=1))
    assert counts["runs_planned"] == 1 and counts["dispatched"] == 100
    runs = (await actions_api.client.get(f"/actions/{action['id']}/runs")).json()
    assert [(r["due_at"], r["status"], r["total"]) for r in runs] == [
        (second.isoformat().replace("+00:00", "Z"), "done", 100),
        (first.isoformat().replace("+00:00", "Z"), "done", len(members)),
    ]
    stats = (await actions_api.client.get(f"/actions/{action['id']}/stats")).json()
    assert stats == {"dispatched": len(members) + 100}


async def _dispatched_keys(actions_api: ActionsApi, action_id: int) -> list[str]:
    """Every idempotency key the dispatch log holds for the action, with repeats."""
    keys, before = [], None
    while True:
        params = {"limit": 1000, **({"before": before} if before else {})}
        page = (await actions_api.client.get(f"/actions/{action_id}/log", params=params)).json()
        keys += [e["idempotency_key"] for e in page["items"] if e["outcome"] == "dispatched"]
        before = page["next"]
        if before is None:
            return keys


async def test_single_send_at_a_set_time(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, ticker: Ticker
) -> None:
    keys = ActionKeys(actions_api.settings.keys)
    members = [f"s{i}" for i in range(300)]
    _target(actions_api, targets_stub, sync_redis, "card", 7, members)
    send_at = (datetime.now(tz=UTC) + timedelta(hours=2)).replace(microsecond=0)
    past = await actions_api.client.post("/actions", json={
        "name": "Too late", "target": {"kind": "card", "id": 7}, "type": "single_send",
        "single_send": {"send_at": (send_at - timedelta(days=1)).isoformat()}, "channel": "sms",
        "definition": {"body": "x"}})  # fmt: skip
    assert past.status_code == 422 and past.json()["errors"][0]["loc"] == "single_send.send_at"
    action = await actions_api.create(
        name="Weekend bonus", target={"kind": "card", "id": 7}, type="single_send",
        single_send={"send_at": send_at.isoformat()}, channel="sms",
        definition={"body": "Bonus for {{player_id}}"},
    )  # fmt: skip

    early = await ticker.tick(send_at - timedelta(seconds=1))
    assert early["runs_planned"] == 0 and _outbox_keys(sync_redis, keys) == []
    counts = await ticker.tick(send_at + timedelta(seconds=1))
    assert counts["runs_planned"] == 1 and counts["dispatched"] == len(members)
    expected = {dispatch_key(action["id"], "single", m) for m in members}
    assert sorted(_outbox_keys(sync_redis, keys)) == sorted(expected)
    got = (await actions_api.client.get(f"/actions/{action['id']}")).json()
    assert got["status"] == "completed"


async def test_pausing_stops_a_running_send_and_resuming_finishes_it(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, ticker: Ticker
) -> None:
    client = actions_api.client
    members = [f"r{i}" for i in range(1200)]
    _target(actions_api, targets_stub, sync_redis, "segment", 8, members)
    put = await client.put("/channels/push", json={"rate_limit_per_s": 300})
    assert put.status_code == 200, put.text
    slow = replace(ticker, settings=ticker.settings.model_copy(update={"send_chunk": 20}))
    action = await actions_api.create(
        name="Slow push", target={"kind": "segment", "id": 8}, type="single_send",
        single_send={}, channel="push", definition={"title": "Hi", "body": "{{player_id}}"},
    )  # fmt: skip
    now = datetime.fromisoformat(action["created_at"]) + timedelta(seconds=1)

    sending = asyncio.create_task(slow.tick(now))  # ~4 s at 300/s
    await asyncio.sleep(1.0)
    assert (await client.post(f"/actions/{action['id']}/pause")).status_code == 200
    first = await asyncio.wait_for(sending, timeout=30)
    assert 0 < first["dispatched"] < len(members), first

    while_paused = await slow.tick(now + timedelta(seconds=5))
    assert while_paused["dispatched"] == 0
    assert (await client.post(f"/actions/{action['id']}/resume")).status_code == 200
    rest = await slow.tick(now + timedelta(seconds=10))
    assert first["dispatched"] + rest["dispatched"] == len(members)
    expected = {dispatch_key(action["id"], "single", m) for m in members}
    sent = await _dispatched_keys(actions_api, action["id"])
    assert sorted(sent) == sorted(expected)  # each member once: none missing, none twice
    assert (await client.get(f"/actions/{action['id']}")).json()["status"] == "completed"


async def test_a_single_send_due_while_paused_is_not_sent_on_a_plain_resume(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, ticker: Ticker
) -> None:
    client = actions_api.client
    _target(actions_api, targets_stub, sync_redis, "card", 9, ["m1", "m2"])
    send_at = datetime.now(tz=UTC) + timedelta(seconds=2)
    spec = {"target": {"kind": "card", "id": 9}, "type": "single_send", "channel": "sms",
            "single_send": {"send_at": send_at.isoformat()},
            "definition": {"body": "x"}}  # fmt: skip
    missed = await actions_api.create(name="Missed", **spec)
    late = await actions_api.create(name="Sent late", **spec)
    for action in (missed, late):
        assert (await client.post(f"/actions/{action['id']}/pause")).status_code == 200
    await asyncio.sleep(max(0.0, (send_at - datetime.now(tz=UTC)).total_seconds()) + 0.2)
    plain = (await client.post(f"/actions/{missed['id']}/resume")).json()
    assert plain["status"] == "completed" and "passed while it was paused" in plain["status_reason"]
    asked = await client.post(f"/actions/{late['id']}/resume", params={"replay_missed": "true"})
    assert asked.json()["status"] == "active"
    counts = await ticker.tick(datetime.now(tz=UTC))
    assert counts["dispatched"] == 2
    assert sorted(await _dispatched_keys(actions_api, late["id"])) == sorted(
        dispatch_key(late["id"], "single", m) for m in ("m1", "m2")
    )
    assert await _dispatched_keys(actions_api, missed["id"]) == []


async def test_a_channel_cap_spans_actions(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, ticker: Ticker
) -> None:
    client = actions_api.client
    members = [f"c{i}" for i in range(150)]
    _target(actions_api, targets_stub, sync_redis, "segment", 10, members)
    cap = {"frequency_cap": {"max": 1, "per_hours": 24}}
    assert (await client.put("/channels/email", json=cap)).status_code == 200
    spec = {"target": {"kind": "segment", "id": 10}, "type": "single_send", "single_send": {},
            "channel": "email", "definition": {"subject": "S", "body": "B"}}  # fmt: skip
    first = await actions_api.create(name="First mail", **spec)
    counts = await ticker.tick(datetime.now(tz=UTC) + timedelta(seconds=1))
    assert counts["dispatched"] == len(members)
    second = await actions_api.create(name="Second mail", **spec)
    counts = await ticker.tick(datetime.now(tz=UTC) + timedelta(seconds=1))
    assert counts["dispatched"] == 0 and counts["capped"] == len(members)
    stats = (await client.get(f"/actions/{second['id']}/stats")).json()
    assert stats == {"capped": len(members)}
    log = (await client.get(f"/actions/{second['id']}/log", params={"limit": 1000})).json()
    assert {e["reason"] for e in log["items"]} == {"frequency cap channel:email: at most 1 per 24h"}
    assert (await client.get(f"/actions/{first['id']}/stats")).json() == {
        "dispatched": len(members)
    }
