"""HTTP API of segment-svc: ``python -m segment_svc.entrypoints.api``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from segment_svc.adapters.action_usage import ActionsUnavailable, HttpActionUsage
from segment_svc.adapters.card_catalogue import CardCatalogueUnavailable, HttpCardCatalogue
from segment_svc.adapters.lifecycle_publisher import KafkaLifecyclePublisher
from segment_svc.adapters.orm import SegmentRow
from segment_svc.adapters.redis_views import SegmentViews
from segment_svc.entrypoints import member_routes, routes
from segment_svc.entrypoints.deps import ApiServices
from segment_svc.service_layer.catalogue_cache import load_revisions
from segment_svc.service_layer.lifecycle import LifecyclePublisher, LifecycleRelay
from segment_svc.service_layer.queries import ActionUsage, SegmentContext
from segment_svc.service_layer.validation import CardCatalogue, DefinitionErrors, Limits
from segment_svc.settings import SERVICE, SegmentSettings, load_settings
from segshared import metrics
from segshared.audit_routes import install_audit_log
from segshared.auth.fastapi import AUTHENTICATED, install_auth
from segshared.db import database_check, make_engine, make_session_factory
from segshared.history import SizeHistory
from segshared.http import (
    errors_member,
    install_error_handlers,
    on_error,
    on_unavailable,
)
from segshared.observability import install_observability
from segshared.openapi import document_problems
from segshared.redis_client import make_redis

DESCRIPTION = (
    "Segments combine cards (and other segments) with and/or groups and an exclude block. "
    "Members are kept up to date per player as card memberships change; see "
    "docs/rule-language.md for the definition language."
)


def create_app(
    *,
    settings: SegmentSettings,
    engine: Engine,
    session_factory: sessionmaker[Session],
    redis: Redis,
    cards: CardCatalogue,
    publisher: LifecyclePublisher,
    actions: ActionUsage | None = None,
) -> FastAPI:
    """The API wired to the given adapters (the composition root of the HTTP process)."""
    relay = LifecycleRelay(session_factory=session_factory, publisher=publisher)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(relay.run(), name="lifecycle-relay")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="segment-svc",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        dependencies=AUTHENTICATED,
    )
    install_error_handlers(app)
    install_auth(app, redis, settings.keys)
    document_problems(app)
    _install_own_handlers(app)
    ctx = SegmentContext(
        session_factory=session_factory,
        cards=cards,
        limits=Limits(max_depth=settings.max_depth, max_nodes=settings.max_nodes),
        after_commit=relay.poke,
        actions=actions,
    )
    app.state.services = ApiServices(
        ctx=ctx,
        views=SegmentViews(
            redis=redis,
            keys=settings.keys,
            partitions=settings.partitions,
        ),
        keys=settings.keys,
        partitions=settings.partitions,
        scratch_ttl_s=settings.scratch_ttl_s,
        history=SizeHistory(redis=redis, keys=settings.keys, kind="segment"),
    )
    app.state.lifecycle_relay = relay

    install_observability(
        app, service=SERVICE, bootstrap_servers=settings.bootstrap_servers,
        checks={"redis": redis.ping, "database": database_check(engine)},
        refresh=[metrics.size_sampler(
            metrics.SEGMENT_MEMBERS, redis, lambda: sorted(load_revisions(session_factory)),
            settings.keys.segment, settings.partitions)],
    )  # fmt: skip
    # execute before /segments/{id}, so that the literal path wins
    app.include_router(member_routes.router)
    app.include_router(routes.router)
    install_audit_log(app, session_factory, table_name="segment_audit",
                      tracked={SegmentRow: ("segment", "id")})  # fmt: skip
    return app


def _install_own_handlers(app: FastAPI) -> None:
    on_error(app, DefinitionErrors, 422,
             extra=lambda e: errors_member((x.path, x.message) for x in e.errors))  # fmt: skip
    on_unavailable(app, CardCatalogueUnavailable, "check the referenced cards")
    on_unavailable(app, ActionsUnavailable, "check whether actions use the segment",
                   then="try again shortly, or repeat with ?force=true to delete it and stop "
                   "its actions")  # fmt: skip


def main() -> None:
    """Serve the API with real adapters built from the environment."""
    from segshared.serving import serve_http

    settings = load_settings()
    engine = make_engine(settings.database_url)
    app = create_app(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        redis=make_redis(settings.redis_url),
        cards=HttpCardCatalogue(
            base_url=settings.card_svc_url,
            timeout_s=settings.card_svc_timeout_s,
            service_key=settings.service_key,
        ),
        publisher=KafkaLifecyclePublisher(bootstrap_servers=settings.bootstrap_servers),
        actions=HttpActionUsage(
            base_url=settings.action_svc_url,
            timeout_s=settings.card_svc_timeout_s,
            service_key=settings.service_key,
        ),
    )
    serve_http(app, host=settings.host, port=settings.port, service=SERVICE, settings=settings)


if __name__ == "__main__":
    main()
