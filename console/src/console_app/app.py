"""The console's ASGI app: ``/api/*`` proxied to the services, everything else static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from console_app.proxy import Proxy
from console_app.settings import ConsoleSettings

STATIC_DIR = Path(__file__).parent / "static"
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    """The app; one pooled HTTP client to the services lives as long as it does."""
    settings = settings or ConsoleSettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # No read timeout: a sorted export of a large segment says nothing until it is sorted.
        timeout = httpx.Timeout(30.0, read=None)
        async with httpx.AsyncClient(timeout=timeout) as client:
            app.state.proxy = Proxy(settings.routes(), client)
            yield

    app = FastAPI(title="Operator console", lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.api_route("/api/{path:path}", methods=_METHODS)
    async def api(path: str, request: Request) -> Response:
        proxy: Proxy = request.app.state.proxy
        return await proxy.forward(request, path)

    @app.get("/")
    async def index() -> FileResponse:
        # Screens are addressed by the URL fragment (#/segments/3/table): one page to serve.
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
