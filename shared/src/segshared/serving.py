"""Running a service's HTTP entrypoint."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from segshared.logs import configure_logging
from segshared.settings import PlatformSettings


def serve_http(
    app: FastAPI, *, host: str, port: int, service: str, settings: PlatformSettings
) -> None:
    """Serve ``app`` until stopped; one process per service API (uvicorn), logging through
    the platform's setup (uvicorn's own config is left out so its lines are formatted too)."""
    configure_logging(service=service, level=settings.log_level, fmt=settings.log_format)
    uvicorn.run(app, host=host, port=port, log_config=None,
                log_level=settings.log_level.lower(), access_log=False)  # fmt: skip
