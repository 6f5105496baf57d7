"""Readiness over checks (pure: the checks are plain coroutines)."""

from __future__ import annotations

import asyncio

from segshared.health import readiness


async def ok() -> None:
    return None


async def refused() -> None:
    raise ConnectionError("Connection refused")


async def hangs() -> None:
    await asyncio.sleep(60)


def test_ready_when_every_check_passes() -> None:
    healthy, body = asyncio.run(readiness({"redis": ok, "broker": ok}))
    assert healthy
    assert body == {"status": "ok", "checks": {"redis": "ok", "broker": "ok"}}


def test_names_the_failing_check_and_why() -> None:
    healthy, body = asyncio.run(readiness({"redis": refused, "broker": ok}))
    assert not healthy
    assert body["status"] == "unavailable"
    assert body["checks"] == {
        "redis": "error: ConnectionError: Connection refused",
        "broker": "ok",
    }


def test_a_check_that_hangs_fails_within_the_timeout() -> None:
    async def run() -> tuple[bool, dict[str, object], float]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        healthy, body = await readiness({"database": hangs, "redis": ok}, timeout_s=0.2)
        return healthy, body, loop.time() - started

    healthy, body, took = asyncio.run(run())
    assert not healthy
    assert body["checks"] == {"database": "error: no answer within 0.2s", "redis": "ok"}
    assert took < 5
