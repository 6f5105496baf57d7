"""Segment lifecycle events: written to a SQL outbox with the change, then published."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session, sessionmaker

from segment_svc.adapters.orm import SegmentRow
from segment_svc.adapters.repository import SegmentRepository
from segment_svc.domain.events import LIFECYCLE_VERSION, lifecycle_event_id
from segshared import correlation
from segshared.contracts import SegmentLifecycleEvent, encode

log = logging.getLogger(__name__)

LifecycleKind = Literal["segment_created", "segment_updated", "segment_cloned", "segment_deleted"]


#: (key, value, correlation id of the change or None)
LifecycleRecord = tuple[str, bytes, str | None]


class LifecyclePublisher(Protocol):
    def publish(self, records: Sequence[LifecycleRecord]) -> None:
        """Blocking: send ``(key, value, correlation id)`` records in order; return once
        acknowledged."""


def record_lifecycle(
    repo: SegmentRepository, *, kind: LifecycleKind, row: SegmentRow, now: datetime
) -> None:
    """Queue the lifecycle event of ``row``'s change in the current transaction; the event
    and the row remember the request that made the change (its correlation id)."""
    cause = correlation.correlation_id.get()
    row.correlation_id = cause
    event = SegmentLifecycleEvent(
        event_id=lifecycle_event_id(row.id, kind, row.revision),
        version=LIFECYCLE_VERSION,
        occurred_at=now,
        type=kind,
        segment_id=row.id,
        revision=row.revision,
        name=row.name,
        definition=None if kind == "segment_deleted" else _definition(row),
        cloned_from=row.cloned_from,
    )
    repo.add_outbox(key=str(row.id), value=encode(event), now=now, correlation_id=cause)


def _definition(row: SegmentRow) -> dict[str, Any]:
    return dict(row.definition)


def publish_pending(
    *, session_factory: sessionmaker[Session], publisher: LifecyclePublisher, batch: int = 100
) -> int:
    """Blocking: publish queued lifecycle events in order and delete what was acknowledged."""
    sent = 0
    while True:
        with session_factory() as session:
            rows = [
                (r.id, (r.key, bytes(r.value), r.correlation_id))
                for r in SegmentRepository(session).pending_outbox(batch)
            ]
        if not rows:
            return sent
        # Publish outside any transaction: a crash after the acks only republishes, and
        # consumers drop the duplicates by event_id.
        publisher.publish([record for _, record in rows])
        with session_factory() as session, session.begin():
            SegmentRepository(session).delete_outbox([row_id for row_id, _ in rows])
        sent += len(rows)


class LifecycleRelay:
    """Drains the lifecycle outbox after each change and, as a safety net, periodically."""

    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        publisher: LifecyclePublisher,
        interval_s: float = 2.0,
    ) -> None:
        self._session_factory = session_factory
        self._publisher = publisher
        self._interval_s = interval_s
        self._lock = asyncio.Lock()
        self._wakeup = asyncio.Event()

    def poke(self) -> None:
        """Ask for a drain soon (after a commit)."""
        self._wakeup.set()

    async def drain(self) -> int:
        async with self._lock:
            return await asyncio.to_thread(
                publish_pending, session_factory=self._session_factory, publisher=self._publisher
            )

    async def run(self) -> None:
        """Drain forever; failures (broker down) are retried on the next round."""
        while True:
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation that
            # arrives as the event is set, and the task would then never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval_s):
                    await self._wakeup.wait()
            self._wakeup.clear()
            try:
                await self.drain()
            except Exception:  # keep the API serving while the broker is away
                log.exception("publishing segment lifecycle events failed; will retry")
