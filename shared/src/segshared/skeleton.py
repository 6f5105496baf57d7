"""The HTTP app of a service whose features are still to come: health and docs only."""

from __future__ import annotations

from fastapi import FastAPI

from segshared.http import health_router, install_error_handlers
from segshared.openapi import document_problems
from segshared.redis_client import make_redis
from segshared.settings import PlatformSettings


def skeleton_app(*, title: str, description: str, settings: PlatformSettings) -> FastAPI:
    """A FastAPI app with error handlers and ``/health`` checking Redis."""
    app = FastAPI(title=title, description=description)
    install_error_handlers(app)
    document_problems(app)
    redis = make_redis(settings.redis_url)
    app.include_router(health_router({"redis": redis.ping}))
    return app


def serve_skeleton(*, title: str, description: str, settings: PlatformSettings, port: int) -> None:
    """Build the skeleton app and serve it on ``port``."""
    from segshared.serving import serve_http

    app = skeleton_app(title=title, description=description, settings=settings)
    serve_http(app, host="127.0.0.1", port=port, service=title, settings=settings)
