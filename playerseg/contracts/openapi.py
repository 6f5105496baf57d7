"""Each service's OpenAPI document, from its real app built over adapters that never connect.

The adapters (Redis clients, engines, producers, peer clients) are lazy: building the app and
asking for ``app.openapi()`` opens no connection, so the export needs no running stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from segshared.db import make_engine, make_session_factory
from segshared.redis_client import make_redis

_NOWHERE = "http://127.0.0.1:9"  # peers are never called while exporting
_DB = "sqlite://"


def _card() -> FastAPI:
    from card_svc.adapters.lifecycle import LifecyclePublisher
    from card_svc.adapters.segment_client import SegmentClient
    from card_svc.entrypoints.api import create_app
    from card_svc.settings import CardSettings

    settings = CardSettings(database_url=_DB)
    return create_app(
        settings,
        sessions=make_session_factory(make_engine(_DB)),
        redis=make_redis(settings.redis_url),
        lifecycle=LifecyclePublisher(settings.bootstrap_servers),
        segments=SegmentClient(_NOWHERE),
    )


def _segment() -> FastAPI:
    from segment_svc.adapters.card_catalogue import HttpCardCatalogue
    from segment_svc.adapters.lifecycle_publisher import KafkaLifecyclePublisher
    from segment_svc.entrypoints.api import create_app
    from segment_svc.settings import SegmentSettings

    settings, engine = SegmentSettings(database_url=_DB), make_engine(_DB)
    return create_app(
        settings=settings, engine=engine, session_factory=make_session_factory(engine),
        redis=make_redis(settings.redis_url), cards=HttpCardCatalogue(base_url=_NOWHERE),
        publisher=KafkaLifecyclePublisher(bootstrap_servers=settings.bootstrap_servers),
    )  # fmt: skip


def _action() -> FastAPI:
    from action_svc.adapters.targets_http import HttpTargets
    from action_svc.entrypoints.api import create_app
    from action_svc.settings import ActionSettings

    settings, engine = ActionSettings(database_url=_DB), make_engine(_DB)
    return create_app(
        settings=settings, engine=engine, session_factory=make_session_factory(engine),
        redis=make_redis(settings.redis_url),
        targets=HttpTargets(segment_svc_url=_NOWHERE, card_svc_url=_NOWHERE),
    )  # fmt: skip


def _export() -> FastAPI:
    from export_svc.adapters.peers import HttpPeers
    from export_svc.entrypoints.api import create_app
    from export_svc.settings import ExportSettings

    settings = ExportSettings(database_url=_DB)
    return create_app(
        settings=settings, engine=make_engine(_DB),
        redis=make_redis(settings.redis_url, decode_responses=True),
        peers=HttpPeers(segment_url=_NOWHERE, card_url=_NOWHERE),
    )  # fmt: skip


#: service -> a builder of its app.
APPS: dict[str, Callable[[], FastAPI]] = {
    "card-svc": _card,
    "segment-svc": _segment,
    "action-svc": _action,
    "export-svc": _export,
}


def openapi_documents() -> dict[str, dict[str, Any]]:
    """``<service>.json -> OpenAPI document`` of every service."""
    return {f"{name}.json": build().openapi() for name, build in APPS.items()}
