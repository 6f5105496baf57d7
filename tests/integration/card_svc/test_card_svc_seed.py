"""Seeding the default catalog through the real card-svc and segment-svc APIs, twice."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from card_svc_it import wait_healthy

from playerseg.demo import CARDS, SEGMENTS, seed
from playerseg.devstack.ports import free_port
from tests.integration.card_svc.conftest import CardEnv


@pytest.mark.timeout(240)
async def test_seed_is_idempotent(card_env: CardEnv, pg_url: str) -> None:
    pytest.importorskip("segment_svc")
    card_port, seg_port = free_port(), free_port()
    card_url, seg_url = f"http://127.0.0.1:{card_port}", f"http://127.0.0.1:{seg_port}"
    seg_env = {
        "SEGMENT_SVC_DATABASE_URL": pg_url,
        "SEGMENT_SVC_PORT": str(seg_port),
        "SEGMENT_SVC_CARD_SVC_URL": card_url,
    }
    assert card_env.start("segment_svc.entrypoints.migrate", **seg_env).wait(timeout=60) == 0
    card_env.start("card_svc.entrypoints.api", CARD_SVC_PORT=str(card_port))
    card_env.start("card_svc.entrypoints.worker")
    card_env.start("segment_svc.entrypoints.api", **seg_env)
    async with httpx.AsyncClient(timeout=10, headers=card_env.headers) as client:
        await wait_healthy(client, card_url, seg_url)
        for _ in range(2):
            await asyncio.to_thread(
                seed, card_url, seg_url, ready_timeout_s=120, headers=card_env.headers
            )
        cards = (await client.get(f"{card_url}/cards")).json()
        segments = (await client.get(f"{seg_url}/segments")).json()
    assert [c["name"] for c in cards["items"]] == [name for name, _, _ in CARDS]
    assert all(c["ready"] for c in cards["items"])
    vip = cards["items"][-1]
    assert vip["kind"] == "static" and vip["count"] == 113
    # The database is shared with other tests' segments: ours are there exactly once.
    names = [s["name"] for s in segments["items"]]
    assert all(names.count(n) == 1 for n, *_ in SEGMENTS)
