"""The check every service API runs on each request: who calls (the key) and whether the
route's scope is among the key's (segshared.auth.rules).

Put on the app as ``FastAPI(dependencies=AUTHENTICATED)`` and ``app.state.authenticator``
(see :func:`install_auth`); every route then needs a key, except the open ones. Verified keys
are kept in process for ``cache_s`` seconds, so a revoked key is refused within that time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from redis.asyncio import Redis

from segshared.audit import Actor, current_actor
from segshared.auth.domain import PII, ApiKey, parse_token
from segshared.auth.rules import required_scope
from segshared.auth.store import RedisKeyStore
from segshared.http import on_error
from segshared.keys import Keys

#: How long a verified key is trusted without asking Redis again: revocation's delay.
CACHE_S = 5.0
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="playerseg"'}


class Unauthenticated(PermissionError):
    """No usable key (401): missing, malformed, unknown, revoked or expired."""


class Forbidden(PermissionError):
    """The key lacks the route's scope (403)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes the request; ``key`` None on the open routes."""

    key: ApiKey | None

    @property
    def sees_anonymized(self) -> bool:
        return self.key is not None and self.key.grants(PII)


class Authenticator:
    def __init__(self, store: RedisKeyStore, *, cache_s: float = CACHE_S) -> None:
        self._store = store
        self._cache_s = cache_s
        self._verified: dict[str, tuple[float, ApiKey]] = {}

    async def verify(self, token: str | None) -> ApiKey:
        if not token:
            raise Unauthenticated("this API needs a key: send Authorization: Bearer <key>")
        hit = self._verified.get(token)
        if hit and time.monotonic() - hit[0] < self._cache_s:
            return hit[1]
        parsed = parse_token(token)
        key = await self._store.get(parsed[0]) if parsed else None
        if key is None or parsed is None or not key.matches(parsed[1]):
            raise Unauthenticated("the API key is not valid; check it, or create one with "
                                  "playerseg keys create")  # fmt: skip
        if not key.usable(datetime.now(UTC)):
            raise Unauthenticated(f"the API key {key.key_id} is revoked or expired; use another")
        self._verified[token] = (time.monotonic(), key)
        return key


_bearer = HTTPBearer(auto_error=False, description="an API key: psk_<id>_<secret>")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the same API key")


async def authenticate(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> Caller:
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    scope = required_scope(request.method, path)
    if scope is None:
        current_actor.set(None)
        return Caller(None)
    authenticator: Authenticator = request.app.state.authenticator
    key = await authenticator.verify(bearer.credentials if bearer else header)
    if not key.grants(scope):
        raise Forbidden(f"the API key {key.key_id} ({key.name}) lacks the scope {scope!r} "
                        f"this route needs; use a key with {scope!r} or 'admin'")  # fmt: skip
    current_actor.set(Actor(key.key_id, key.name, f"{request.method} {path}"))
    return Caller(key)


#: ``dependencies=`` of every service's FastAPI app.
AUTHENTICATED = [Depends(authenticate)]
#: What a route takes to know its caller (e.g. whether anonymized fields are shown).
CurrentCaller = Annotated[Caller, Depends(authenticate)]


def install_auth(app: FastAPI, redis: Redis, keys: Keys) -> None:
    """Check keys against the store in ``redis``; 401 and 403 answered as problems."""
    app.state.authenticator = Authenticator(RedisKeyStore(redis, keys))
    on_error(app, Forbidden, 403)
    on_error(app, Unauthenticated, 401, headers=CHALLENGE)
