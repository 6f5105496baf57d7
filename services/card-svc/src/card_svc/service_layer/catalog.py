"""The worker's in-memory copy of the card definitions, refreshed from SQL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from card_svc.adapters.repository import CardRecord, CardRepository
from card_svc.domain.cards import STATIC, CardDef

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogSnapshot:
    """Definitions read in one transaction, with the listed players of changed static cards."""

    records: list[CardRecord]
    members: dict[int, set[str]]


def read_catalog(
    *, session_factory: Callable[[], object], known: dict[int, int]
) -> CatalogSnapshot:
    """Read every card (sync: run it in a thread); ``known`` maps card id -> revision held."""
    with session_factory() as session:  # type: ignore[attr-defined]
        repo = CardRepository(session)
        records = repo.all()
        members = {
            r.id: repo.members(r.id)
            for r in records
            if r.kind == STATIC and known.get(r.id) != r.revision
        }
    return CatalogSnapshot(records=records, members=members)


@dataclass
class Catalog:
    """Current cards by id; static cards' listed players, to evaluate static membership."""

    cards: dict[int, CardDef] = field(default_factory=dict)
    listed: dict[int, frozenset[str]] = field(default_factory=dict)

    def revisions(self) -> dict[int, int]:
        return {c.id: c.revision for c in self.cards.values()}

    def apply(self, snapshot: CatalogSnapshot) -> None:
        """Take a fresh snapshot; rules are parsed again only when their revision moved."""
        fresh: dict[int, CardDef] = {}
        for rec in snapshot.records:
            held = self.cards.get(rec.id)
            if held is not None and held.revision == rec.revision:
                fresh[rec.id] = held
                continue
            try:
                fresh[rec.id] = CardDef.build(
                    id=rec.id, revision=rec.revision, kind=rec.kind, rule=rec.rule
                )
            except Exception:  # validated on save; never let one bad row stop the worker
                log.exception("card %s revision %s cannot be parsed; skipped", rec.id, rec.revision)
                continue
            if rec.id in snapshot.members:
                self.listed[rec.id] = frozenset(snapshot.members[rec.id])
        self.cards = fresh
        self.listed = {k: v for k, v in self.listed.items() if k in fresh}

    def is_listed(self, card_id: int, player_id: str) -> bool:
        return player_id in self.listed.get(card_id, frozenset())

    @property
    def clock_dependent(self) -> list[CardDef]:
        return [c for c in self.cards.values() if c.clock_dependent]
