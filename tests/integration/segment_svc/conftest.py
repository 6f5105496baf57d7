"""Fixtures of the segment-svc integration tests (on top of tests/conftest.py).

card-svc's catalogue is served by a tiny local HTTP server: these tests seed card sets in
Redis directly and need card-svc only to answer "which of these card ids exist".
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis

from segment_svc.adapters.card_catalogue import HttpCardCatalogue
from segment_svc.adapters.lifecycle_publisher import KafkaLifecyclePublisher
from segment_svc.entrypoints.api import create_app
from segment_svc.entrypoints.migrate import migrate
from segment_svc.settings import SegmentSettings
from segshared.db import make_engine, make_session_factory
from segshared.redis_client import make_redis
from segshared.topics import (
    CARD_MEMBERSHIP,
    SEGMENT_LIFECYCLE,
    SEGMENT_MEMBERSHIP,
    dlq,
)
from tests.support.auth import key_headers_async
from tests.support.http_stub import JsonStub, StubRequest
from tests.support.postgres import fresh_database

PARTITIONS = 8
TOPICS = (CARD_MEMBERSHIP, dlq(CARD_MEMBERSHIP), SEGMENT_MEMBERSHIP, SEGMENT_LIFECYCLE)


@pytest.fixture
def seg_db_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database per test: the worker reads every segment in it."""
    with fresh_database("segsvc") as url:
        migrate(url)
        yield url


class CardCatalogueStub(JsonStub):
    """Answers ``GET /cards?ids=...`` for the card ids in ``known``."""

    def __init__(self) -> None:
        self.known: set[int] = set()
        super().__init__(self._answer)

    def _answer(self, request: StubRequest) -> tuple[int, Any]:
        ids = [int(i) for i in request.query.get("ids", [""])[0].split(",") if i]
        return 200, {"items": [{"id": i} for i in ids if i in self.known]}


@pytest.fixture
def card_catalogue() -> Iterator[CardCatalogueStub]:
    stub = CardCatalogueStub()
    yield stub
    stub.close()


@pytest.fixture
def seg_kafka(kafka_bootstrap: str) -> str:
    """The broker of a test: the session's; tests that read whole topics use their own."""
    return kafka_bootstrap


@pytest.fixture
def seg_settings(
    seg_kafka: str, redis_url: str, seg_db_url: str, card_catalogue: CardCatalogueStub,
    create_topics: Callable[..., list[str]],
) -> SegmentSettings:  # fmt: skip
    """Settings on the test's broker and the session's Redis, with a key prefix and group of
    this test."""
    create_topics(partitions=PARTITIONS, topics=TOPICS, bootstrap=seg_kafka)
    token = uuid.uuid4().hex[:8]
    return SegmentSettings(
        kafka_bootstrap=seg_kafka,
        redis_url=redis_url,
        partitions=PARTITIONS,
        key_prefix=f"t{token}:",
        database_url=seg_db_url,
        card_svc_url=card_catalogue.url,
        app_id=f"segment-svc-{token}",
    )


@pytest.fixture
def sync_redis(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    client.close()


@dataclass
class Api:
    client: httpx.AsyncClient
    settings: SegmentSettings

    async def create(self, name: str, include: Any, exclude: Any = None, **kw: Any) -> Any:
        body = {"name": name, "include": include, "exclude": exclude, **kw}
        response = await self.client.post("/segments", json=body)
        assert response.status_code == 201, response.text
        return response.json()


async def open_api(settings: SegmentSettings, actions: Any = None) -> AsyncIterator[Api]:
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    publisher = KafkaLifecyclePublisher(bootstrap_servers=settings.bootstrap_servers)
    app = create_app(
        settings=settings, engine=engine, session_factory=make_session_factory(engine),
        redis=redis, cards=HttpCardCatalogue(base_url=settings.card_svc_url), publisher=publisher,
        actions=actions,
    )  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://segment-svc") as client,
    ):
        client.headers.update(await key_headers_async(settings.redis_url, settings.key_prefix))
        yield Api(client, settings)
    await redis.aclose()
    publisher.close()
    engine.dispose()


@pytest.fixture
async def api(seg_settings: SegmentSettings) -> AsyncIterator[Api]:
    """The real API app (in process, over ASGI) wired to real adapters."""
    async for harness in open_api(seg_settings):
        yield harness


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    return tmp_path
