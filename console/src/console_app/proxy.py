"""A streaming reverse proxy: ``/api/<resource>/...`` -> ``<service>/<resource>/...``.

Responses are streamed through as they arrive, so a CSV download starts at once and never sits
in the console's memory. Request bodies are small JSON documents and are read whole.
"""

from __future__ import annotations

import httpx
from fastapi import Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.background import BackgroundTask

# Hop-by-hop headers (RFC 9110 7.6.1) and those the proxy recomputes.
_DROP_REQUEST = {"host", "connection", "keep-alive", "transfer-encoding", "upgrade", "te"}
_DROP_RESPONSE = {"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"}


def _problem(request: Request, status: int, title: str, detail: str) -> JSONResponse:
    # RFC 9457, as the services answer (the console does not depend on their package).
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.url.path}  # fmt: skip
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class Proxy:
    """Forwards requests to the services named in ``routes`` with one shared client."""

    def __init__(self, routes: dict[str, str], client: httpx.AsyncClient) -> None:
        self.routes = routes
        self.client = client

    async def forward(self, request: Request, path: str) -> Response:
        resource = path.split("/", 1)[0]
        base = self.routes.get(resource)
        if base is None:
            return _problem(request, 404, "Not Found", f"no API under /api/{resource}")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROP_REQUEST}
        upstream = self.client.build_request(
            request.method,
            f"{base}/{path}",
            params=request.url.query,
            headers=headers,
            content=await request.body(),
        )
        try:
            response = await self.client.send(upstream, stream=True)
        except httpx.HTTPError as exc:
            return _problem(
                request, 502, "Bad Gateway", f"the service at {base} cannot be reached: {exc}"
            )
        out_headers = {k: v for k, v in response.headers.items() if k.lower() not in _DROP_RESPONSE}
        return StreamingResponse(
            response.aiter_raw(),
            status_code=response.status_code,
            headers=out_headers,
            background=BackgroundTask(response.aclose),
        )
