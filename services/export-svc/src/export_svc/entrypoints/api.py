"""HTTP API of export-svc: ``python -m export_svc.entrypoints.api``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import Engine

from export_svc.adapters.files import ExportFiles, utc_now
from export_svc.adapters.peers import DefinitionRejected, HttpPeers, PeerUnavailable
from export_svc.adapters.redis_members import RedisMembers
from export_svc.adapters.repository import JobStore
from export_svc.entrypoints import routes, schedule_routes, stream_routes
from export_svc.entrypoints.access import RevealAnonymized
from export_svc.entrypoints.deps import ApiServices
from export_svc.service_layer.streaming import Tuning
from export_svc.settings import SERVICE, ExportSettings, load_settings
from segshared.auth.fastapi import AUTHENTICATED, install_auth
from segshared.db import database_check, make_engine, make_session_factory
from segshared.fields import FIELDS
from segshared.http import (
    PROBLEM_MEMBERS,
    install_error_handlers,
    on_error,
    on_unavailable,
)
from segshared.observability import install_observability
from segshared.openapi import document_problems
from segshared.redis_client import make_redis

DESCRIPTION = (
    "CSV exports of segments, cards and unsaved definitions with chosen columns and sort "
    "order: jobs with progress and resumable downloads, direct streaming downloads, "
    "scheduled and on-change exports. No row cap."
)


def tuning_of(settings: ExportSettings) -> Tuning:
    return Tuning(
        chunk_rows=settings.chunk_rows,
        prefetch=settings.prefetch,
        sort_run_rows=settings.sort_run_rows,
    )


def create_app(
    *,
    settings: ExportSettings,
    engine: Engine,
    redis: Redis,
    peers: HttpPeers,
    clock: Callable[[], datetime] = utc_now,
) -> FastAPI:
    """The API wired to the given adapters; ``redis`` must decode responses."""
    app = FastAPI(
        title="export-svc", description=DESCRIPTION, version="0.1.0", dependencies=AUTHENTICATED
    )
    install_error_handlers(app)
    install_auth(app, redis, settings.keys)
    document_problems(app)
    _install_own_handlers(app)
    app.state.services = ApiServices(
        settings=settings,
        store=JobStore(make_session_factory(engine)),
        members=RedisMembers(
            redis=redis,
            keys=settings.keys,
            partitions=settings.partitions,
            ttl_s=settings.snapshot_ttl_s,
        ),
        peers=peers,
        files=ExportFiles(settings.export_dir),
        tuning=tuning_of(settings),
        clock=clock,
    )

    install_observability(
        app, service=SERVICE, bootstrap_servers=settings.bootstrap_servers,
        checks={"redis": redis.ping, "database": database_check(engine)},
    )  # fmt: skip
    app.include_router(stream_routes.router)  # /exports/stream before /exports/{id}
    app.include_router(routes.router)
    app.include_router(schedule_routes.router)

    @app.get("/fields", tags=["fields"])
    async def fields(reveal: RevealAnonymized) -> dict[str, Any]:
        """Column Settings' "Available Fields"; ``masked``: shown as *** to this caller."""
        items = [asdict(s) | {"masked": s.anonymized and not reveal} for s in FIELDS]
        for item in items:
            item.pop("zero_default", None)
        return {"items": items, "custom": "attributes.<name> (from profile_updated), text"}

    return app


def _install_own_handlers(app: FastAPI) -> None:
    # segment-svc's own problem, with its extension members (``errors``), as ours.
    on_error(app, DefinitionRejected, 422, extra=lambda e: _extensions(e.body))
    on_unavailable(app, PeerUnavailable, "check what to export")
    on_error(app, routes.Gone, 410)


def _extensions(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k not in PROBLEM_MEMBERS}


def main() -> None:
    """Serve the API with real adapters built from the environment."""
    from segshared.serving import serve_http

    settings = load_settings()
    app = create_app(
        settings=settings,
        engine=make_engine(settings.database_url),
        redis=make_redis(settings.redis_url, decode_responses=True),
        peers=HttpPeers(
            segment_url=settings.segment_svc_url,
            card_url=settings.card_svc_url,
            timeout_s=settings.peer_timeout_s,
            service_key=settings.service_key,
        ),
    )
    serve_http(app, host=settings.host, port=settings.port, service=SERVICE, settings=settings)


if __name__ == "__main__":
    main()
