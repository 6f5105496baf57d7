"""Reading segments, and the context every segment use case runs in."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from segment_svc.adapters.orm import SegmentRow
from segment_svc.adapters.repository import SegmentRepository
from segment_svc.service_layer.validation import CardCatalogue, Limits
from segshared.http import NotFound

T = TypeVar("T")


def _no_hook() -> None:
    return None


class ActionUsage(Protocol):
    """action-svc, asked which live actions send to a segment before it is deleted."""

    async def live_actions(self, target_kind: str, target_id: int) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class SegmentContext:
    """What the use cases need: the database, card-svc, action-svc (None: not asked), limits,
    and a hook run after commits."""

    session_factory: sessionmaker[Session]
    cards: CardCatalogue
    limits: Limits
    after_commit: Callable[[], None] = _no_hook
    actions: ActionUsage | None = None


async def read(ctx: SegmentContext, work: Callable[[SegmentRepository], T]) -> T:
    """Run a read in a worker thread (sync SQLAlchemy off the event loop)."""

    def run() -> T:
        with ctx.session_factory() as session:
            return work(SegmentRepository(session))

    return await asyncio.to_thread(run)


def require(repo: SegmentRepository, segment_id: int) -> SegmentRow:
    row = repo.get(segment_id)
    if row is None:
        raise NotFound(f"segment {segment_id} does not exist")
    return row


async def get_segment(*, ctx: SegmentContext, segment_id: int) -> SegmentRow:
    """One segment, or NotFound."""
    return await read(ctx, lambda repo: require(repo, segment_id))


async def list_segments(
    *, ctx: SegmentContext, q: str | None, card_id: int | None, limit: int, offset: int
) -> tuple[list[SegmentRow], int]:
    """A page of segments matching ``q`` and/or reading ``card_id``, and the total."""
    return await read(
        ctx, lambda repo: repo.search(q=q, card_id=card_id, limit=limit, offset=offset)
    )


async def segment_refs(*, ctx: SegmentContext) -> dict[int, set[int]]:
    """Every stored segment -> the segments it references."""
    return await read(ctx, lambda repo: repo.segment_refs())
