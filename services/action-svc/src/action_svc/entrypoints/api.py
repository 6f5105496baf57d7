"""HTTP API of action-svc: ``python -m action_svc.entrypoints.api``."""

from __future__ import annotations

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.dispatch_log import DispatchLog
from action_svc.adapters.orm import ActionRow, ChannelSettingsRow
from action_svc.adapters.target_sets import TargetSets
from action_svc.adapters.targets_http import HttpTargets, TargetsUnavailable
from action_svc.adapters.webhook_client import resolve_host
from action_svc.domain.errors import SpecInvalid
from action_svc.domain.urlguard import parse_allow_list
from action_svc.entrypoints import channel_routes, routes
from action_svc.entrypoints.deps import ApiServices
from action_svc.service_layer.actions import ActionContext, Resolve, Targets
from action_svc.settings import SERVICE, ActionSettings, load_settings
from segshared.audit_routes import install_audit_log
from segshared.auth.fastapi import AUTHENTICATED, install_auth
from segshared.db import database_check, make_engine, make_session_factory
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
    "Actions on segments and cards: Triggered (on entry or exit, optionally delayed), Single "
    "Send and Scheduled (recurring) sends on Email, SMS, Push Notification and Web API. Each "
    "(action, occurrence, player) becomes exactly one dispatch command with a stable "
    "idempotency key on `action.dispatch.<channel>`; Web API actions are delivered with "
    "retries and a dead-letter topic. Frequency caps and opt-outs are applied and logged."
)


def create_app(
    *, settings: ActionSettings, engine: Engine, session_factory: sessionmaker[Session],
    redis: Redis, targets: Targets, resolve: Resolve = resolve_host,
) -> FastAPI:  # fmt: skip
    """The API wired to the given adapters (the composition root of the HTTP process)."""
    app = FastAPI(
        title="action-svc", description=DESCRIPTION, version="0.1.0", dependencies=AUTHENTICATED
    )
    install_error_handlers(app)
    install_auth(app, redis, settings.keys)
    document_problems(app)
    _install_own_handlers(app)
    keys = ActionKeys(settings.keys)
    ctx = ActionContext(
        session_factory=session_factory,
        targets=targets,
        redis=redis,
        keys=keys,
        partitions=settings.partitions,
        allow=parse_allow_list(settings.webhook_allow),
        resolve=resolve,
    )
    app.state.services = ApiServices(
        ctx=ctx,
        log=DispatchLog(
            redis=redis,
            keys=keys,
            partitions=settings.partitions,
            log_max=settings.log_max_per_shard,
        ),
        target_sets=TargetSets(redis=redis, keys=keys),
    )

    install_observability(
        app, service=SERVICE, bootstrap_servers=settings.bootstrap_servers,
        checks={"redis": redis.ping, "database": database_check(engine)},
    )  # fmt: skip
    app.include_router(routes.router)
    app.include_router(channel_routes.router)
    install_audit_log(app, session_factory, table_name="action_audit",
                      tracked={ActionRow: ("action", "id"),
                               ChannelSettingsRow: ("channel", "channel")})  # fmt: skip
    return app


def _install_own_handlers(app: FastAPI) -> None:
    on_error(app, SpecInvalid, 422, detail=lambda e: f"invalid action: {e}",
             extra=lambda e: errors_member((x.loc, x.msg) for x in e.errors))  # fmt: skip
    on_unavailable(app, TargetsUnavailable, "check the action's target")


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
        targets=HttpTargets(
            segment_svc_url=settings.segment_svc_url,
            card_svc_url=settings.card_svc_url,
            timeout_s=settings.peer_timeout_s,
            service_key=settings.service_key,
        ),
    )
    serve_http(app, host=settings.host, port=settings.port, service=SERVICE, settings=settings)


if __name__ == "__main__":
    main()
