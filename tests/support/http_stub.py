"""A tiny local HTTP server standing in for a peer service that answers JSON requests.

The integration tests of one service seed Redis themselves and need a peer only to answer
questions such as "does card 4 exist"; ``answer(request) -> (status, body)`` says how.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass(frozen=True)
class StubRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    json: Any = None
    authorization: str | None = None


Answer = Callable[[StubRequest], tuple[int, Any]]


class JsonStub:
    def __init__(self, answer: Answer) -> None:
        class Handler(BaseHTTPRequestHandler):
            def _handle(self, method: str) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("content-length") or 0)
                doc = json.loads(self.rfile.read(length)) if length else None
                status, body = answer(StubRequest(method, url.path, parse_qs(url.query), doc,
                                                   self.headers.get("authorization")))  # fmt: skip
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
