"""Readiness reflects the broker, Redis and the database: a service pointed at a dead port is
not ready and says which connection failed (real broker, Redis and PostgreSQL otherwise)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from wsgiref.simple_server import WSGIServer

import httpx
from card_svc_it import in_process_api
from redis.asyncio import Redis

from card_svc.settings import CardSettings
from playerseg.devstack.ports import free_port
from segshared.db import database_check, make_engine
from segshared.health import dependency_checks
from segshared.redis_client import make_redis
from segshared.worker_http import start_worker_http

Client = httpx.AsyncClient


def card_api(
    *, bootstrap: str, redis_url: str, database_url: str
) -> AbstractAsyncContextManager[Client]:
    settings = CardSettings(
        kafka_bootstrap=bootstrap, redis_url=redis_url, database_url=database_url
    )
    return in_process_api(settings, with_key=False)  # health needs no key


def dead_redis() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


async def test_not_ready_when_redis_is_unreachable(kafka_bootstrap: str, pg_url: str) -> None:
    async with card_api(
        bootstrap=kafka_bootstrap, redis_url=dead_redis(), database_url=pg_url
    ) as api:
        assert (await api.get("/health/live")).json() == {"status": "ok"}
        ready = await api.get("/health/ready")
        assert ready.status_code == 503
        checks = ready.json()["checks"]
        assert checks["redis"].startswith("error: ")
        assert checks["broker"] == "ok" and checks["database"] == "ok"
        assert (await api.get("/health")).status_code == 503


async def test_not_ready_when_the_broker_is_unreachable(redis_url: str, pg_url: str) -> None:
    dead = f"127.0.0.1:{free_port()}"
    async with card_api(bootstrap=dead, redis_url=redis_url, database_url=pg_url) as api:
        ready = await api.get("/health/ready")
        assert ready.status_code == 503
        checks = ready.json()["checks"]
        assert checks["broker"].startswith(f"error: ConnectionError: {dead}: ")
        assert checks["redis"] == "ok" and checks["database"] == "ok"
        # /health keeps its meaning for the embedded stack: Redis and the database.
        assert (await api.get("/health")).status_code == 200


async def test_the_worker_port_reports_readiness(
    kafka_bootstrap: str, redis_url: str, pg_url: str
) -> None:
    engine = make_engine(pg_url)
    good, bad = make_redis(redis_url), make_redis(dead_redis())

    def serve(redis: Redis) -> Callable[[str], httpx.Response]:
        checks = dependency_checks(
            bootstrap_servers=[kafka_bootstrap],
            redis=redis,
            database=database_check(engine),
        )
        server = start_worker_http(host="127.0.0.1", port=0, service="card-svc", checks=checks)
        assert server is not None
        base = f"http://127.0.0.1:{server.server_port}"
        servers.append(server)
        return lambda path: httpx.get(base + path, timeout=10)

    servers: list[WSGIServer] = []
    try:
        healthy, broken = serve(good), serve(bad)
        # The checks run on this loop: ask from a thread, as a scraper would.
        ok = await asyncio.to_thread(healthy, "/health/ready")
        assert ok.status_code == 200, ok.text
        assert ok.json()["checks"] == {"broker": "ok", "redis": "ok", "database": "ok"}
        down = await asyncio.to_thread(broken, "/health/ready")
        assert down.status_code == 503
        assert down.json()["checks"]["redis"].startswith("error: ")
        assert (await asyncio.to_thread(broken, "/health/live")).status_code == 200
        metrics = await asyncio.to_thread(healthy, "/metrics")
        assert 'playerseg_service_info{role="worker",service="card-svc"} 1.0' in metrics.text
    finally:
        for server in servers:
            server.shutdown()
        await good.aclose()
        await bad.aclose()
        engine.dispose()
