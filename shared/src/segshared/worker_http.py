"""The metrics port of a worker: ``/metrics``, ``/health/live`` and ``/health/ready``.

Served from a thread (WSGI), so a scrape never waits behind a batch; readiness checks run on
the worker's own event loop, whose clients they test (a loop stuck for longer than the
checks' timeout is not ready either).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any, Protocol
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import orjson
from redis.asyncio import Redis

from segshared import metrics
from segshared.health import CHECK_TIMEOUT_S, Check, dependency_checks, readiness

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)


def worker_app(
    loop: asyncio.AbstractEventLoop, checks: Mapping[str, Check]
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            body, content_type = metrics.exposition()
            start_response("200 OK", [("Content-Type", content_type)])
            return [body]
        if path == "/health/live":
            return _json(start_response, 200, {"status": "ok"})
        if path in ("/health/ready", "/health"):
            future = asyncio.run_coroutine_threadsafe(readiness(checks), loop)
            try:
                healthy, doc = future.result(timeout=CHECK_TIMEOUT_S + 1)
            except TimeoutError:
                future.cancel()
                healthy, doc = False, {"status": "unavailable", "checks": {
                    "worker": "error: its event loop did not run the checks in time"}}  # fmt: skip
            return _json(start_response, 200 if healthy else 503, doc)
        return _json(start_response, 404, {"status": 404, "title": f"no route {path}; try "
                     "/metrics, /health/live or /health/ready"})  # fmt: skip

    return app


def _json(start_response: StartResponse, status: int, doc: Any) -> list[bytes]:
    reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json")])
    return [orjson.dumps(doc)]


def start_worker_http(
    *, host: str, port: int, service: str, checks: Mapping[str, Check]
) -> WSGIServer | None:
    """Serve the worker's port from a daemon thread; call it from the worker's event loop.

    A port already taken is logged and the worker runs on without it: the stream matters more
    than its metrics (and a liveness probe on that port then says something is wrong)."""
    metrics.identify(service, "worker")
    app = worker_app(asyncio.get_running_loop(), checks)
    try:
        server = make_server(host, port, app, server_class=_ThreadingServer,
                             handler_class=_QuietHandler)  # fmt: skip
    except OSError as exc:
        log.error("cannot serve metrics and health on %s:%s (%s); set the worker's "
                  "*_WORKER_METRICS_PORT to a free port (0: any)", host, port, exc)  # fmt: skip
        return None
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    log.info("metrics and health on http://%s:%s/metrics", host, server.server_port)
    return server


@dataclass(frozen=True, slots=True)
class WorkerPort:
    """Where a worker serves ``/metrics`` and ``/health/*``, and what readiness checks."""

    host: str
    port: int
    checks: Mapping[str, Check]


class _ServiceSettings(Protocol):
    host: str
    worker_metrics_port: int

    @property
    def bootstrap_servers(self) -> list[str]: ...


def worker_port(settings: _ServiceSettings, redis: Redis, database: Check) -> WorkerPort:
    """A service worker's port: its settings' host and metrics port, checking the broker,
    Redis and its database."""
    checks = dependency_checks(bootstrap_servers=settings.bootstrap_servers, redis=redis,
                               database=database)  # fmt: skip
    return WorkerPort(settings.host, settings.worker_metrics_port, checks)
