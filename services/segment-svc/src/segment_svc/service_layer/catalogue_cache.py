"""The worker's catalogue of segment definitions, reloaded from SQL when revisions change."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session, sessionmaker

from segment_svc.adapters.repository import SegmentRepository
from segment_svc.domain.catalogue import Catalogue, SegmentSpec
from segshared.rules import RuleError, parse_segment_definition

log = logging.getLogger(__name__)


def load_catalogue(session_factory: sessionmaker[Session]) -> Catalogue:
    """Every stored segment, parsed (blocking)."""
    specs: list[SegmentSpec] = []
    with session_factory() as session:
        for row in SegmentRepository(session).all():
            try:
                defn = parse_segment_definition(row.definition)
            except RuleError:  # stored definitions were validated; skip rather than stall
                log.exception("segment %d has an unreadable definition; skipped", row.id)
                continue
            specs.append(SegmentSpec.of(row.id, row.revision, defn, row.correlation_id))
    return Catalogue(specs)


def load_revisions(session_factory: sessionmaker[Session]) -> dict[int, int]:
    with session_factory() as session:
        return SegmentRepository(session).revisions()


class CatalogueCache:
    """Holds the current catalogue; ``refresh`` re-reads definitions only when they changed."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._catalogue: Catalogue | None = None

    @property
    def current(self) -> Catalogue | None:
        return self._catalogue

    async def refresh(self) -> Catalogue:
        revisions = await asyncio.to_thread(load_revisions, self._session_factory)
        if self._catalogue is None or self._catalogue.revisions() != revisions:
            self._catalogue = await asyncio.to_thread(load_catalogue, self._session_factory)
        return self._catalogue

    async def get(self) -> Catalogue:
        return self._catalogue if self._catalogue is not None else await self.refresh()
