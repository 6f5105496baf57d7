"""Every route of every service API refuses callers without a valid key (401) and keys
without the route's scope (403); health and the API docs stay open. Keys in the real Redis."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from playerseg.contracts.openapi import APPS
from segshared.auth.domain import SCOPES as ALL_SCOPES
from segshared.auth.fastapi import Authenticator
from segshared.auth.store import RedisKeyStore
from segshared.keys import Keys
from segshared.redis_client import make_redis
from tests.support.auth import key_headers_async
from tests.support.problems import assert_problem
from tests.support.scopes import OPEN, SCOPES

pytestmark = pytest.mark.integration


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """``(method, path)`` of every API route, those of included routers too."""
    contexts = [
        c for c in iter_route_contexts(app.routes) if isinstance(c.original_route, APIRoute)
    ]
    return sorted((method, str(c.path)) for c in contexts
                  for method in c.original_route.methods - {"HEAD"})  # type: ignore[attr-defined]  # fmt: skip


async def _client(service: str, redis_url: str, prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    app = APPS[service]()
    redis = make_redis(redis_url, decode_responses=service == "export-svc")
    app.state.authenticator = Authenticator(RedisKeyStore(redis, Keys(prefix)))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        client.app = app  # type: ignore[attr-defined]
        yield client
    await redis.aclose()


@pytest.mark.parametrize("service", sorted(APPS))
async def test_every_route_refuses_missing_wrong_and_underscoped_keys(
    service: str, redis_url: str
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    async for client in _client(service, redis_url, prefix):
        routes = _routes(client.app)  # type: ignore[attr-defined]
        protected = [(m, p) for m, p in routes if p not in OPEN]
        assert {p for _, p in routes} >= OPEN
        assert sorted(protected) == sorted(SCOPES[service]), "every route has a scope decision"
        revoked_store = RedisKeyStore(make_redis(redis_url), Keys(prefix))
        revoked, record = await revoked_store.create("gone", frozenset({"admin"}))
        await revoked_store.revoke(record.key_id)
        lacking = {
            scope: await key_headers_async(redis_url, prefix, *(set(ALL_SCOPES) - {scope, "admin"}))
            for scope in set(SCOPES[service].values())
        }
        for method, path in protected:
            url = re.sub(r"{[^}]+}", "1", path)
            wrong = [{}, {"Authorization": "Bearer psk_nope_nope"}, {"X-API-Key": "not a key"},
                     {"Authorization": f"Bearer {revoked}"}]  # fmt: skip
            for headers in wrong:
                response = await client.request(method, url, headers=headers)
                body = assert_problem(response, 401)
                assert response.headers["www-authenticate"].startswith("Bearer"), (method, path)
                assert body["type"] == "urn:playerseg:problem:unauthenticated"
            needed = SCOPES[service][(method, path)]
            response = await client.request(method, url, headers=lacking[needed])
            body = assert_problem(response, 403)
            assert f"'{needed}'" in body["detail"], (method, path, body)


@pytest.mark.parametrize("service", sorted(APPS))
async def test_health_and_the_api_docs_need_no_key(service: str, redis_url: str) -> None:
    async for client in _client(service, redis_url, "open:"):
        assert (await client.get("/health/live")).json() == {"status": "ok"}
        assert (await client.get("/docs")).status_code == 200
        doc = (await client.get("/openapi.json")).json()
        schemes = doc["components"]["securitySchemes"]
        assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
        assert "security" not in doc["paths"]["/health/live"]["get"]
        for path, operations in doc["paths"].items():
            if path not in OPEN:
                assert all("401" in op["responses"] for op in operations.values()), path


async def test_a_key_sent_as_x_api_key_is_accepted(redis_url: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    async for client in _client("card-svc", redis_url, prefix):
        token = (await key_headers_async(redis_url, prefix, "admin"))["Authorization"].split()[1]
        # /cards needs read; the app has no tables, so a 500 proves the key was let through.
        response = await client.get("/cards", headers={"X-API-Key": token})
        assert response.status_code not in (401, 403), response.text
