"""Fixtures and helpers of the action-svc API and worker tests.

segment-svc and card-svc are stood in for by a tiny local HTTP server that answers
``GET /segments/{id}`` and ``GET /cards/{id}`` (all action-svc asks of them); the target sets
themselves are seeded in Redis exactly as those services keep them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from redis import Redis

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.targets_http import HttpTargets
from action_svc.entrypoints.api import create_app
from action_svc.entrypoints.migrate import migrate
from action_svc.settings import ActionSettings
from segshared.db import make_engine, make_session_factory
from segshared.keys import Keys
from segshared.partitioning import partition_for
from segshared.redis_client import make_redis
from segshared.topics import all_topics
from tests.support.auth import key_headers_async
from tests.support.http_stub import JsonStub, StubRequest
from tests.support.postgres import fresh_database

PARTITIONS = 4


class TargetsStub(JsonStub):
    """Answers ``GET /segments/{id}`` and ``GET /cards/{id}`` for the ids it knows."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, int], str] = {}
        super().__init__(self._answer)

    def _answer(self, request: StubRequest) -> tuple[int, Any]:
        parts = request.path.strip("/").split("/")
        kind = {"segments": "segment", "cards": "card"}.get(parts[0], "")
        name = self.known.get((kind, int(parts[1]))) if len(parts) == 2 else None
        return (200, {"name": name}) if name is not None else (404, {})

    def add(self, kind: str, target_id: int, name: str | None = None) -> None:
        self.known[(kind, target_id)] = name or f"{kind} {target_id}"


@pytest.fixture
def targets_stub() -> Iterator[TargetsStub]:
    stub = TargetsStub()
    yield stub
    stub.close()


@pytest.fixture
def act_db_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database per test: the worker reads every action in it."""
    with fresh_database("actsvc") as url:
        migrate(url)
        yield url


@pytest.fixture
def act_kafka(fresh_kafka: Callable[[], str]) -> str:
    """A broker of the test's own: the tests read whole dispatch topics."""
    return fresh_kafka()


@pytest.fixture
def act_settings(
    act_kafka: str, redis_url: str, act_db_url: str, targets_stub: TargetsStub,
    create_topics: Callable[..., list[str]],
) -> ActionSettings:  # fmt: skip
    create_topics(partitions=PARTITIONS, topics=all_topics(), bootstrap=act_kafka)
    token = uuid.uuid4().hex[:8]
    return ActionSettings(
        kafka_bootstrap=act_kafka, redis_url=redis_url, partitions=PARTITIONS,
        key_prefix=f"t{token}:", database_url=act_db_url, segment_svc_url=targets_stub.url,
        card_svc_url=targets_stub.url, app_id=f"action-svc-{token}",
        webhook_allow="127.0.0.1/32", consumer_session_timeout_s=3.0,
        consumer_rebalance_timeout_s=3.0,
    )  # fmt: skip


@dataclass
class ActionsApi:
    client: httpx.AsyncClient
    settings: ActionSettings

    async def create(self, **spec: Any) -> dict[str, Any]:
        response = await self.client.post("/actions", json=spec)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body


async def open_api(settings: ActionSettings) -> AsyncIterator[ActionsApi]:
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    targets = HttpTargets(segment_svc_url=settings.segment_svc_url,
                          card_svc_url=settings.card_svc_url)  # fmt: skip
    app = create_app(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                     redis=redis, targets=targets)  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://action-svc") as client:
        client.headers.update(await key_headers_async(settings.redis_url, settings.key_prefix))
        yield ActionsApi(client, settings)
    await targets.aclose()
    await redis.aclose()
    engine.dispose()


@pytest.fixture
async def actions_api(act_settings: ActionSettings) -> AsyncIterator[ActionsApi]:
    """The real API app (in process, over ASGI) wired to real adapters."""
    async for harness in open_api(act_settings):
        yield harness


@pytest.fixture
def sync_redis(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    client.close()


def seed_target(
    redis: Redis, keys: Keys, kind: str, target_id: int, players: Iterable[str]
) -> None:
    """Write a segment's or card's shard sets as segment-svc / card-svc keep them."""
    key_of = keys.segment if kind == "segment" else keys.card
    pipe = redis.pipeline(transaction=False)
    for p in range(PARTITIONS):
        pipe.delete(key_of(p, target_id))
    for player in players:
        pipe.sadd(key_of(partition_for(player, PARTITIONS), target_id), player)
    pipe.execute()


def seed_profiles(redis: Redis, keys: Keys, profiles: Mapping[str, Mapping[str, str]]) -> None:
    """Profile hashes as card-svc keeps them (values already encoded as strings)."""
    pipe = redis.pipeline(transaction=False)
    for player, fields in profiles.items():
        pipe.hset(keys.player_profile(partition_for(player, PARTITIONS), player),
                  mapping=dict(fields))  # fmt: skip
    pipe.execute()


def segment_event(event_id: str, player: str, segment_id: int, change: str) -> bytes:
    """A ``segment.membership`` record as segment-svc publishes it."""
    return orjson.dumps({
        "event_id": event_id, "version": 1, "type": "segment_membership_changed",
        "occurred_at": datetime.now(tz=UTC).isoformat().replace("+00:00", "Z"),
        "player_id": player, "segment_id": segment_id, "change": change, "cause": "event",
    })  # fmt: skip


def worker_env(settings: ActionSettings, datadir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PLAYERSEG_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
        PLAYERSEG_REDIS_URL=settings.redis_url,
        PLAYERSEG_PARTITIONS=str(settings.partitions),
        PLAYERSEG_KEY_PREFIX=settings.key_prefix,
        PLAYERSEG_CONSUMER_SESSION_TIMEOUT_S="3",
        PLAYERSEG_CONSUMER_REBALANCE_TIMEOUT_S="3",
        ACTION_SVC_DATABASE_URL=settings.database_url,
        ACTION_SVC_APP_ID=settings.app_id,
        ACTION_SVC_DATADIR=str(datadir),
        ACTION_SVC_TICK_INTERVAL_S="0.3",
        ACTION_SVC_WEBHOOK_ALLOW=settings.webhook_allow,
        ACTION_SVC_WEBHOOK_BACKOFF_BASE_S=str(settings.webhook_backoff_base_s),
        ACTION_SVC_WEBHOOK_MAX_ATTEMPTS=str(settings.webhook_max_attempts),
    )
    return env


def start_worker(settings: ActionSettings, tmp: Path) -> subprocess.Popen[bytes]:
    """The real worker process (``python -m action_svc.entrypoints.worker``)."""
    log = (tmp / "action-worker.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "action_svc.entrypoints.worker"],
        env=worker_env(settings, tmp / "action-worker-data"),
        cwd=tmp, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def loaded(redis: Redis, keys: Keys, action_id: int, status: str = "active") -> bool:
    """Whether the workers have loaded ``action_id`` in ``status``."""
    raw = redis.hget(ActionKeys(keys).catalogue_seen(), str(action_id))
    return raw is not None and raw.decode().endswith(":" + status)
