"""Scheduled sends driven by a controllable clock: the worker's ``Ticker.tick(now)`` in process,
on a real Redis and PostgreSQL. The expected occurrences are computed here with zoneinfo."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
    targets_stub.add("segment", 3)
    members = [f"d{i}" for i in range(700)]
    seed_target(sync_redis, actions_api.settings.keys, "segment", 3, members)
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
