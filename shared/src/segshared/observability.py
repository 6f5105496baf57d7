"""What every service API gets: correlation ids, request metrics and logs, ``GET /metrics``
and the health endpoints (``/health``, ``/health/live``, ``/health/ready``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence

from fastapi import FastAPI, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from segshared import correlation, metrics
from segshared.health import Check, broker_check
from segshared.http import health_router

log = logging.getLogger("segshared.http.access")
#: Requests that change nothing are logged at DEBUG only: health probes and scrapes are many.
_QUIET_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CorrelationMiddleware:
    """Takes ``X-Correlation-ID`` (or makes one), binds it while the request runs, returns it,
    and counts and logs the request (pure ASGI: streamed responses pass through)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = correlation.HTTP_HEADER.lower().encode()
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == wanted), None)
        cid = correlation.accepted(given)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message).append(correlation.HTTP_HEADER, cid)
            await send(message)

        with correlation.bound(cid):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                _record(scope, status, time.perf_counter() - started)


def _record(scope: Scope, status: int, seconds: float) -> None:
    method = str(scope["method"])
    route = getattr(scope.get("route"), "path", "unmatched")  # the template: few series
    metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
    metrics.HTTP_SECONDS.labels(method, route).observe(seconds)
    quiet = method in _QUIET_METHODS and status < 500
    log.log(logging.DEBUG if quiet else logging.INFO, "%s %s -> %s", method, scope["path"],
            status, extra={"status": status, "duration_ms": round(seconds * 1000, 1)})  # fmt: skip


def install_observability(
    app: FastAPI,
    *,
    service: str,
    bootstrap_servers: Sequence[str],
    checks: Mapping[str, Check],
    refresh: Sequence[metrics.Refresh] = (),
) -> None:
    """Add the middleware, ``/metrics`` (after running ``refresh``, e.g. sampling sizes) and
    the health endpoints: ``checks`` (Redis, database) and, for readiness, the broker."""
    metrics.identify(service, "api")
    app.add_middleware(CorrelationMiddleware)
    app.include_router(
        health_router(checks, ready_also={"broker": broker_check(bootstrap_servers)})
    )

    @app.get("/metrics", include_in_schema=False)
    async def scrape() -> Response:
        for sample in refresh:
            try:
                await sample()
            except Exception:  # a scrape still answers with what it has
                log.warning("sampling metrics failed", exc_info=True)
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)
