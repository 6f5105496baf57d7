"""Readiness checks of a service's connections (broker, Redis, database), one implementation
for the APIs' ``/health/ready`` and the workers' metrics port."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from redis.asyncio import Redis

#: A check raises (or times out) when its dependency is unusable.
Check = Callable[[], Awaitable[Any]]
CHECK_TIMEOUT_S = 2.0


async def readiness(
    checks: Mapping[str, Check], *, timeout_s: float = CHECK_TIMEOUT_S
) -> tuple[bool, dict[str, Any]]:
    """Run every check at once; (all ok, ``{"status", "checks": {name: "ok" | "error: ..."}}``)."""

    async def one(check: Check) -> str:
        try:
            async with asyncio.timeout(timeout_s):
                await check()
        except TimeoutError:
            return f"error: no answer within {timeout_s:g}s"
        except Exception as exc:  # report, don't raise: this is the health endpoint
            return f"error: {type(exc).__name__}: {exc}"
        return "ok"

    names = list(checks)
    outcomes = await asyncio.gather(*(one(checks[n]) for n in names))
    results = dict(zip(names, outcomes, strict=True))
    healthy = all(v == "ok" for v in results.values())
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": results}


def broker_check(servers: Sequence[str]) -> Check:
    """Ok when one bootstrap server accepts a TCP connection (the clients reconnect by
    themselves; what readiness must tell is whether the broker can be reached)."""

    async def check() -> None:
        errors = []
        for server in servers:
            host, _, port = server.rpartition(":")
            try:
                _, writer = await asyncio.open_connection(host, int(port))
            except OSError as exc:
                errors.append(f"{server}: {exc.strerror or exc}")
                continue
            writer.close()
            return
        raise ConnectionError("; ".join(errors))

    return check


def redis_check(redis: Redis) -> Check:
    async def check() -> None:
        await redis.ping()

    return check


def dependency_checks(
    *, bootstrap_servers: Sequence[str], redis: Redis, database: Check | None = None
) -> dict[str, Check]:
    """The checks of a process that uses the broker, Redis and (optionally) a database."""
    checks = {"broker": broker_check(bootstrap_servers), "redis": redis_check(redis)}
    if database is not None:
        checks["database"] = database
    return checks
