"""A real local webhook receiver for tests: records every request and misbehaves on demand.

It runs a threading HTTP server on 127.0.0.1 (a free port) in a thread of its own, so a
slow answer never blocks the event loop of the code under test. Per idempotency key it can
fail the first N attempts with a status (503, 400, ...), optionally with Retry-After, or
stall past the client's timeout.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    # A real receiver's listen backlog: the stdlib's 5 overflows under a burst of deliveries
    # from 64 pooled connections, and the refused ones would read as failed first attempts.
    request_queue_size = 1024


@dataclass(frozen=True, slots=True)
class Received:
    """One request as the receiver saw it."""

    at: float  # time.monotonic()
    method: str
    path: str
    key: str | None
    attempt: int | None
    headers: dict[str, str]  # lower-cased names
    body: bytes
    answered: int | None  # the status sent back; None when it stalled past the timeout


@dataclass
class Misbehaviour:
    """Fail the first ``times`` attempts of a key with ``status``, or by stalling ``stall_s``."""

    times: int
    status: int = 503
    stall_s: float = 0.0
    retry_after: str | None = None
    seen: int = 0


@dataclass
class WebhookReceiver:
    """``url`` is the base URL; ``requests`` every request received, in order."""

    requests: list[Received] = field(default_factory=list)
    rules: dict[str, Misbehaviour] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def fail(
        self, key: str, times: int, *, status: int = 503, retry_after: str | None = None
    ) -> None:
        """Answer the first ``times`` attempts of ``key`` with ``status``."""
        self.rules[key] = Misbehaviour(times, status=status, retry_after=retry_after)

    def stall(self, key: str, times: int, *, seconds: float) -> None:
        """Hold the first ``times`` attempts of ``key`` for ``seconds`` (past the timeout)."""
        self.rules[key] = Misbehaviour(times, stall_s=seconds)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def of(self, key: str) -> list[Received]:
        """The requests that carried idempotency key ``key``."""
        with self._lock:
            return [r for r in self.requests if r.key == key]

    def new_deliveries(self, key: str) -> int:
        """How many times ``key`` arrived as a new delivery (attempt 1)."""
        return sum(1 for r in self.of(key) if r.attempt == 1)

    def wait_for(self, check: Callable[[], bool], *, timeout_s: float = 30.0) -> None:
        """Block until ``check()`` holds (use ``asyncio.to_thread`` from async tests)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.02)
        raise AssertionError(f"receiver: timed out; got {len(self.requests)} requests")

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        key = headers.get("idempotency-key")
        attempt = headers.get("x-playerseg-attempt")
        with self._lock:
            rule = self.rules.get(key or "")
            misbehave = rule is not None and rule.seen < rule.times
            if rule is not None and misbehave:
                rule.seen += 1
        status: int | None = 200
        if misbehave and rule is not None and rule.stall_s > 0:
            status = None
        elif misbehave and rule is not None:
            status = rule.status
        received = Received(time.monotonic(), handler.command, handler.path, key,
                            int(attempt) if attempt and attempt.isdigit() else None,
                            headers, body, status)  # fmt: skip
        with self._lock:
            self.requests.append(received)
        if status is None and rule is not None:
            time.sleep(rule.stall_s)  # the client gives up meanwhile
        handler.send_response(status or 200)
        if misbehave and rule is not None and rule.retry_after is not None:
            handler.send_header("Retry-After", rule.retry_after)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        with contextlib.suppress(OSError):  # the client hung up (a stalled answer)
            handler.wfile.write(b"ok")

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like real receivers

            def do_POST(self) -> None:
                receiver._answer(self)

            do_PUT = do_PATCH = do_POST

            def log_message(self, *args: Any) -> None:
                return None

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
