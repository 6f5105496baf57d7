"""``python -m card_svc.entrypoints.api``: the card-svc HTTP API (FastAPI, /docs)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from redis.asyncio import Redis

from card_svc.adapters.lifecycle import LifecyclePublisher
from card_svc.adapters.orm import CardRow
from card_svc.adapters.segment_client import SegmentClient
from card_svc.adapters.state_store import STATS
from card_svc.entrypoints.deps import ApiDeps, get_deps
from card_svc.entrypoints.errors import install_card_errors
from card_svc.entrypoints.members import field_registry
from card_svc.entrypoints.routes import router
from card_svc.service_layer.cards import SessionFactory, card_ids
from card_svc.settings import SERVICE, CardSettings
from segshared import metrics
from segshared.audit_routes import install_audit_log
from segshared.auth.fastapi import AUTHENTICATED, install_auth
from segshared.db import database_check, make_engine, make_session_factory
from segshared.http import install_error_handlers
from segshared.observability import install_observability
from segshared.openapi import document_problems
from segshared.redis_client import make_redis
from segshared.serving import serve_http


def create_app(
    settings: CardSettings,
    *,
    sessions: SessionFactory,
    redis: Redis,
    lifecycle: LifecyclePublisher,
    segments: SegmentClient,
) -> FastAPI:
    """The API over the given adapters (composition root)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        lifecycle.close()

    app = FastAPI(
        title="card-svc",
        description="Cards: rule-defined and uploaded player lists, their members and counts.",
        lifespan=lifespan,
        dependencies=AUTHENTICATED,
    )
    app.state.deps = ApiDeps(
        settings=settings, sessions=sessions, redis=redis, lifecycle=lifecycle, segments=segments
    )
    install_error_handlers(app)
    install_auth(app, redis, settings.keys)
    document_problems(app)
    install_card_errors(app)

    install_observability(
        app, service=SERVICE, bootstrap_servers=settings.bootstrap_servers,
        checks={"redis": redis.ping, "database": database_check(sessions)},
        refresh=[metrics.size_sampler(metrics.CARD_MEMBERS, redis, lambda: card_ids(sessions),
                                      settings.keys.card, settings.partitions)],
    )  # fmt: skip
    app.include_router(router)
    install_audit_log(app, sessions, table_name="card_audit", tracked={CardRow: ("card", "id")})

    @app.get("/fields", tags=["fields"])
    async def fields() -> dict[str, Any]:
        """The player fields rules, tables and exports can use."""
        return {"items": field_registry(), "custom": "attributes.<name> (from profile_updated)"}

    @app.get("/stats", tags=["stats"])
    async def stats(deps: ApiDeps = Depends(get_deps)) -> dict[str, Any]:  # noqa: B008
        """Dead letters, the stream clock, events awaiting the outbox relay, fold counters."""
        keys = deps.settings.keys
        pipe = deps.redis.pipeline(transaction=False)
        pipe.hgetall(keys.dead_letter_counts())
        pipe.get(keys.stream_clock())
        pipe.hgetall(f"{keys.prefix}{STATS}")
        for p in range(deps.settings.partitions):
            pipe.xlen(keys.outbox(p, SERVICE))
        dead, clock, counters, *pending = await pipe.execute()
        return {
            "dead_letters": {_s(k): int(v) for k, v in dead.items()},
            "stream_clock_ms": int(clock) if clock is not None else None,
            "outbox_pending": int(sum(pending)),
            "events": {_s(k): int(v) for k, v in counters.items()},
        }

    return app


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def main() -> None:
    settings = CardSettings.load()
    engine = make_engine(settings.database_url)
    app = create_app(
        settings,
        sessions=make_session_factory(engine),
        redis=make_redis(settings.redis_url),
        lifecycle=LifecyclePublisher(settings.bootstrap_servers),
        segments=SegmentClient(settings.segment_svc_url, service_key=settings.service_key),
    )
    serve_http(app, host=settings.host, port=settings.port, service=SERVICE, settings=settings)


if __name__ == "__main__":
    main()
