"""Running a service's HTTP entrypoint."""

from __future__ import annotations

import logging

import uvicorn
from fastapi import FastAPI


def serve_http(app: FastAPI, *, host: str, port: int, log_level: str = "info") -> None:
    """Serve ``app`` until stopped; one process per service API (uvicorn)."""
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level.lower(), access_log=False)
