"""Fixtures of the export-svc integration tests: real Redis and PostgreSQL, the real app.

segment-svc and card-svc are replaced by a small local HTTP server answering what export-svc
asks them (names of segments and cards, whether a definition is valid); the members and
profiles themselves are seeded in Redis, where the other services would have written them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis

from export_svc.adapters.files import utc_now
from export_svc.adapters.peers import HttpPeers
from export_svc.adapters.redis_members import RedisMembers
from export_svc.adapters.repository import JobStore
from export_svc.entrypoints.api import create_app, tuning_of
from export_svc.entrypoints.migrate import migrate
from export_svc.service_layer.runner import JobRunner, RunnerConfig
from export_svc.settings import ExportSettings
from segshared.db import make_engine, make_session_factory
from segshared.keys import Keys
from segshared.partitioning import partition_for
from segshared.redis_client import make_redis
from tests.support.auth import key_headers_async
from tests.support.http_stub import JsonStub, StubRequest
from tests.support.postgres import fresh_database

PARTITIONS = 8


class PeerStub(JsonStub):
    """segment-svc and card-svc as export-svc sees them: names, and execute's verdict."""

    def __init__(self) -> None:
        self.segments: dict[int, str] = {}
        self.cards: dict[int, str] = {}
        self.bad_refs: dict[int, str] = {}  # card id -> path execute names when it is used
        super().__init__(self._answer)

    def _answer(self, request: StubRequest) -> tuple[int, Any]:
        if request.method == "POST":  # POST /segments/execute
            text = json.dumps(request.json)
            for card_id, path in self.bad_refs.items():
                if f'"card": {card_id}' in text:
                    msg = f"card {card_id} does not exist"
                    return 422, {"status": 422, "title": f"{path}: {msg}",
                                 "detail": f"{path}: {msg}",
                                 "errors": [{"loc": path, "msg": msg}]}  # fmt: skip
            return 200, {"count": 0, "items": []}
        kind, _, ident = request.path.strip("/").partition("/")
        names = self.segments if kind == "segments" else self.cards
        if ident.isdigit() and int(ident) in names:
            return 200, {"id": int(ident), "name": names[int(ident)]}
        return 404, {"detail": "not found"}


@pytest.fixture
def peers_stub() -> Iterator[PeerStub]:
    stub = PeerStub()
    yield stub
    stub.close()


@pytest.fixture(scope="module")
def export_db_url() -> Iterator[str]:
    with fresh_database("exportsvc") as url:
        migrate(url)
        yield url


@pytest.fixture
def export_settings(
    redis_url: str, export_db_url: str, peers_stub: PeerStub, tmp_path: Path, kafka_bootstrap: str
) -> ExportSettings:
    # The test's broker, so that readiness does not depend on what listens on the default port.
    return ExportSettings(
        kafka_bootstrap=kafka_bootstrap, redis_url=redis_url, partitions=PARTITIONS,
        key_prefix=f"x{uuid.uuid4().hex[:8]}:",
        database_url=export_db_url, segment_svc_url=peers_stub.url, card_svc_url=peers_stub.url,
        export_dir=str(tmp_path / "exports"), chunk_rows=100, sort_run_rows=1000,
        progress_every_s=0.01,
    )  # fmt: skip


@dataclass
class Seeder:
    """Writes players' profiles and card/segment shard sets as card-svc and segment-svc do."""

    redis: Redis
    keys: Keys
    partitions: int = PARTITIONS
    profiles: dict[str, dict[str, str]] = field(default_factory=dict)

    def players(self, profiles: dict[str, dict[str, str]]) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for player_id, values in profiles.items():
            p = partition_for(player_id, self.partitions)
            if values:
                pipe.hset(self.keys.player_profile(p, player_id), mapping=values)
            self.profiles[player_id] = values
        pipe.execute()

    def members(self, kind: str, ident: int, player_ids: Any) -> None:
        key = self.keys.segment if kind == "segment" else self.keys.card
        pipe = self.redis.pipeline(transaction=False)
        for player_id in player_ids:
            pipe.sadd(key(partition_for(player_id, self.partitions), ident), player_id)
        pipe.execute()

    def remove(self, kind: str, ident: int, player_ids: Any) -> None:
        key = self.keys.segment if kind == "segment" else self.keys.card
        for player_id in player_ids:
            self.redis.srem(key(partition_for(player_id, self.partitions), ident), player_id)


@pytest.fixture
def seeder(redis_url: str, export_settings: ExportSettings) -> Iterator[Seeder]:
    client = Redis.from_url(redis_url, decode_responses=True)
    yield Seeder(client, export_settings.keys)
    client.close()


@dataclass
class Harness:
    client: httpx.AsyncClient
    runner: JobRunner
    settings: ExportSettings
    app: Any

    async def run_jobs(self) -> None:
        """What the worker does: claim every queued job and run it to the end."""
        while await self.runner.start_claimed():
            await self.runner.wait_idle()


@pytest.fixture
async def harness(export_settings: ExportSettings) -> AsyncIterator[Harness]:
    engine = make_engine(export_settings.database_url)
    redis = make_redis(export_settings.redis_url, decode_responses=True)
    peers = HttpPeers(segment_url=export_settings.segment_svc_url,
                      card_url=export_settings.card_svc_url)  # fmt: skip
    app = create_app(settings=export_settings, engine=engine, redis=redis, peers=peers)
    runner = JobRunner(
        store=JobStore(make_session_factory(engine)),
        members=RedisMembers(redis=redis, keys=export_settings.keys, partitions=PARTITIONS,
                             ttl_s=60),
        files=app.state.services.files, tuning=tuning_of(export_settings),
        config=RunnerConfig(progress_every_s=0.0), clock=utc_now,
    )  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://export-svc") as client:
        client.headers.update(
            await key_headers_async(export_settings.redis_url, export_settings.key_prefix)
        )
        yield Harness(client, runner, export_settings, app)
    await peers.aclose()
    await redis.aclose()
    engine.dispose()
