"""What the API's routes need, built once by the composition root."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request
from redis.asyncio import Redis

from card_svc.adapters.card_views import card_status
from card_svc.adapters.lifecycle import LifecyclePublisher
from card_svc.adapters.repository import CardRecord
from card_svc.adapters.segment_client import SegmentClient
from card_svc.entrypoints.schemas import CardOut
from card_svc.service_layer.cards import SessionFactory
from card_svc.settings import CardSettings
from segshared.contracts import CardLifecycleEvent

log = logging.getLogger(__name__)


@dataclass
class ApiDeps:
    settings: CardSettings
    sessions: SessionFactory
    redis: Redis
    lifecycle: LifecyclePublisher
    segments: SegmentClient

    async def views(self, records: list[CardRecord]) -> list[CardOut]:
        """Cards with their live count and readiness."""
        status = await card_status(
            self.redis,
            self.settings.keys,
            self.settings.partitions,
            [(r.id, r.revision) for r in records],
        )
        return [
            CardOut(
                id=r.id,
                name=r.name,
                description=r.description,
                kind=r.kind,  # type: ignore[arg-type]
                rule=r.rule,
                revision=r.revision,
                created_at=r.created_at,
                updated_at=r.updated_at,
                count=status[r.id].count,
                ready=status[r.id].ready,
            )
            for r in records
        ]

    async def view(self, record: CardRecord) -> CardOut:
        return (await self.views([record]))[0]

    async def announce(self, kind: str, record: CardRecord) -> None:
        """Publish card.lifecycle; a broker outage is logged, the change itself stands."""
        event = CardLifecycleEvent(
            event_id=f"card:{record.id}:{kind}:{record.revision}",
            version=1,
            occurred_at=datetime.now(tz=UTC),
            type=kind,  # type: ignore[arg-type]
            card_id=record.id,
            revision=record.revision,
            name=record.name,
            kind=record.kind,  # type: ignore[arg-type]
        )
        try:
            await asyncio.to_thread(self.lifecycle.publish, event)
        except Exception:
            log.exception("could not publish %s of card %s", kind, record.id)


def get_deps(request: Request) -> ApiDeps:
    deps: ApiDeps = request.app.state.deps
    return deps
