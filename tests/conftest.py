"""Shared fixtures: a real Tansu broker, a private Redis, a fresh PostgreSQL database.

Generic on purpose; each service's tests add their own fixtures in their folders.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from playerseg.devstack.broker import BrokerProcess, start_broker
from playerseg.devstack.redis_server import start_redis
from playerseg.devstack.topics import ensure_topics
from segshared.settings import PlatformSettings
from tests.support.postgres import fresh_database

_TIER_MARKERS = {"unit": "unit", "integration": "integration", "e2e": "e2e", "browser": "browser"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its tier from its folder (tests/unit/... -> ``unit``)."""
    root = Path(__file__).parent
    for item in items:
        try:
            tier = item.path.relative_to(root).parts[0]
        except ValueError:
            continue
        if tier in _TIER_MARKERS:
            item.add_marker(_TIER_MARKERS[tier])


@pytest.fixture(scope="session", autouse=True)
def _workers_on_free_metrics_ports() -> Iterator[None]:
    """Worker processes the tests start serve their metrics on any free port, never on the
    fixed ones of ``./dev up`` (stacks started from code set their own ports anyway)."""
    names = [f"{s}_SVC_WORKER_METRICS_PORT" for s in ("CARD", "SEGMENT", "ACTION", "EXPORT")]
    with pytest.MonkeyPatch.context() as patch:
        for name in names:
            patch.setenv(name, "0")
        yield


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``host:port`` of a Tansu broker (memory storage) shared by the session."""
    log = tmp_path_factory.mktemp("tansu") / "broker.log"
    with start_broker(log_path=log) as broker:
        yield broker.bootstrap


@pytest.fixture
def fresh_kafka(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Factory of brokers of one's own (topics of any partition count); stopped after the test."""
    brokers: list[BrokerProcess] = []

    def start() -> str:
        broker = start_broker(log_path=tmp_path / f"broker-{len(brokers)}.log")
        brokers.append(broker)
        return broker.bootstrap

    yield start
    for broker in brokers:
        broker.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a redis-server of the session's own on a free port (never the system one)."""
    with start_redis(data_dir=tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh PostgreSQL database, dropped at the end of the session."""
    with fresh_database() as url:
        yield url


@pytest.fixture
def platform_settings(kafka_bootstrap: str, redis_url: str) -> Callable[..., PlatformSettings]:
    """Factory: ``platform_settings(**overrides)`` pointing at the test broker and Redis.

    Each call gets a unique ``key_prefix`` unless given, so tests share Redis without clashing.
    """

    def make(**overrides: Any) -> PlatformSettings:
        values: dict[str, Any] = {
            "kafka_bootstrap": kafka_bootstrap,
            "redis_url": redis_url,
            "partitions": 8,
            "key_prefix": f"t{uuid.uuid4().hex[:8]}:",
        }
        values.update(overrides)
        return PlatformSettings(**values)

    return make


@pytest.fixture
def create_topics(kafka_bootstrap: str) -> Callable[..., list[str]]:
    """Helper: ``create_topics(partitions=8, topics=None, bootstrap=None)``; idempotent.

    ``topics=None`` creates every platform topic; on the session broker they then keep that
    partition count, so a test needing another count uses ``fresh_kafka`` or its own names.
    """

    def create(
        *, partitions: int = 8, topics: Iterable[str] | None = None, bootstrap: str | None = None
    ) -> list[str]:
        return ensure_topics(bootstrap or kafka_bootstrap, partitions=partitions, topics=topics)

    return create


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """``unique_name("topic")`` -> ``topic-3f2a9c1d``: names that no other test uses."""
    return lambda base: f"{base}-{uuid.uuid4().hex[:8]}"
