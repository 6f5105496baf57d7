"""action-svc's real HTTP API, in this process over ASGI, wired to the bench's Redis and
database; segment-svc (asked only whether the target segment exists) is a stand-in."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from action_svc.adapters.targets_http import HttpTargets
from action_svc.entrypoints.api import create_app
from action_svc.settings import ActionSettings
from playerseg.keys import key_headers
from segshared.db import make_engine, make_session_factory
from segshared.redis_client import make_redis

_PEERS = "http://peers.bench.invalid"


def _targets_stub(segment_id: int, name: str) -> httpx.AsyncClient:
    """Answers ``GET /segments/{segment_id}`` with 200 and every other target with 404."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"/segments/{segment_id}":
            return httpx.Response(200, json={"id": segment_id, "name": name})
        return httpx.Response(404, json={"detail": "not found"})

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


@asynccontextmanager
async def actions_api(
    *, bootstrap: str, redis_url: str, partitions: int, key_prefix: str, database_url: str,
    segment_id: int, segment_name: str,
) -> AsyncIterator[httpx.AsyncClient]:  # fmt: skip
    settings = ActionSettings(
        kafka_bootstrap=bootstrap, redis_url=redis_url, partitions=partitions,
        key_prefix=key_prefix, database_url=database_url, segment_svc_url=_PEERS,
        card_svc_url=_PEERS,
    )  # fmt: skip
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    targets = HttpTargets(
        segment_svc_url=_PEERS, card_svc_url=_PEERS,
        client=_targets_stub(segment_id, segment_name),
    )  # fmt: skip
    app = create_app(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                     redis=redis, targets=targets)  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://action-svc") as client:
            client.headers.update(await asyncio.to_thread(key_headers, redis_url, key_prefix))
            yield client
    finally:
        await targets.aclose()
        await redis.aclose()
        engine.dispose()


async def create_single_send(
    client: httpx.AsyncClient, *, segment_id: int, subject: str, body: str
) -> tuple[int, float]:
    """Create the Single Send email action; its id and the epoch time just before the call."""
    spec = {
        "name": "Weekend free spins",
        "description": "bench: one email to every member of the segment",
        "target": {"kind": "segment", "id": segment_id},
        "type": "single_send",
        "single_send": {},
        "channel": "email",
        "definition": {"subject": subject, "body": body, "from_name": "The Casino"},
    }
    started = time.time()
    response = await client.post("/actions", json=spec)
    if response.status_code != 201:
        raise RuntimeError(f"POST /actions answered {response.status_code}: {response.text}")
    return int(response.json()["id"]), started


async def send_outcome(client: httpx.AsyncClient, action_id: int) -> dict[str, Any]:
    """The action's status and stats and its run's status and counts, as the API reports them."""
    action = (await client.get(f"/actions/{action_id}")).json()
    runs = (await client.get(f"/actions/{action_id}/runs")).json()
    return {
        "status": action.get("status"),
        "stats": action.get("stats", {}),
        "runs": [{k: r.get(k) for k in ("status", "total", "processed")} for r in runs],
    }
