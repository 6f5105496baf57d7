"""SQL access to segment definitions (sync; callers run it in a worker thread)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session

from segment_svc.adapters.orm import (
    LifecycleOutboxRow,
    SegmentCardRef,
    SegmentRow,
    SegmentSegmentRef,
)

#: Key of the PostgreSQL advisory lock that serialises definition writes, so that two
#: concurrent edits cannot together close a reference cycle that neither saw.
WRITE_LOCK_KEY = 0x5E6_5E6


class SegmentRepository:
    """Segments, their references and the lifecycle outbox, within one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_for_write(self) -> None:
        """Serialise writers (PostgreSQL; SQLite already allows one writer at a time)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})

    def get(self, segment_id: int) -> SegmentRow | None:
        return self.session.get(SegmentRow, segment_id)

    def get_by_name(self, name: str) -> SegmentRow | None:
        return self.session.scalars(select(SegmentRow).where(SegmentRow.name == name)).first()

    def names_like(self, prefix: str) -> set[str]:
        """Names starting with ``prefix`` (to find a free clone name)."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = select(SegmentRow.name).where(SegmentRow.name.like(pattern, escape="\\"))
        return set(self.session.scalars(stmt))

    def search(
        self, *, q: str | None, card_id: int | None, limit: int, offset: int
    ) -> tuple[list[SegmentRow], int]:
        """A page of segments ordered by id, and how many match in all."""
        stmt = select(SegmentRow)
        if q:
            pattern = f"%{q.lower()}%"
            stmt = stmt.where(
                or_(
                    func.lower(SegmentRow.name).like(pattern),
                    func.lower(SegmentRow.description).like(pattern),
                )
            )
        if card_id is not None:
            refs = select(SegmentCardRef.segment_id).where(SegmentCardRef.card_id == card_id)
            stmt = stmt.where(SegmentRow.id.in_(refs))
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.scalars(stmt.order_by(SegmentRow.id).limit(limit).offset(offset))
        return list(rows), int(total)

    def all(self) -> list[SegmentRow]:
        return list(self.session.scalars(select(SegmentRow).order_by(SegmentRow.id)))

    def revisions(self) -> dict[int, int]:
        """id -> revision of every segment (cheap change detection for the worker)."""
        rows = self.session.execute(select(SegmentRow.id, SegmentRow.revision))
        return {int(i): int(r) for i, r in rows}

    def existing_ids(self, ids: Collection[int]) -> set[int]:
        if not ids:
            return set()
        stmt = select(SegmentRow.id).where(SegmentRow.id.in_(list(ids)))
        return set(self.session.scalars(stmt))

    def segment_refs(self) -> dict[int, set[int]]:
        """segment id -> ids of the segments it references, for every segment."""
        refs: dict[int, set[int]] = {sid: set() for sid in self.revisions()}
        for sid, ref in self.session.execute(
            select(SegmentSegmentRef.segment_id, SegmentSegmentRef.ref_segment_id)
        ):
            refs.setdefault(int(sid), set()).add(int(ref))
        return refs

    def card_refs(self) -> dict[int, set[int]]:
        """segment id -> ids of the cards it references, for every segment."""
        refs: dict[int, set[int]] = {}
        for sid, card in self.session.execute(
            select(SegmentCardRef.segment_id, SegmentCardRef.card_id)
        ):
            refs.setdefault(int(sid), set()).add(int(card))
        return refs

    def referencing(self, segment_id: int) -> list[SegmentRow]:
        """Segments whose definition references ``segment_id``."""
        refs = select(SegmentSegmentRef.segment_id).where(
            SegmentSegmentRef.ref_segment_id == segment_id
        )
        stmt = select(SegmentRow).where(SegmentRow.id.in_(refs)).order_by(SegmentRow.id)
        return list(self.session.scalars(stmt))

    def add(self, row: SegmentRow) -> SegmentRow:
        self.session.add(row)
        self.session.flush()
        return row

    def set_refs(self, segment_id: int, *, cards: Iterable[int], segments: Iterable[int]) -> None:
        """Replace the reference rows of ``segment_id``."""
        self.session.execute(delete(SegmentCardRef).where(SegmentCardRef.segment_id == segment_id))
        self.session.execute(
            delete(SegmentSegmentRef).where(SegmentSegmentRef.segment_id == segment_id)
        )
        self.session.add_all(SegmentCardRef(segment_id=segment_id, card_id=c) for c in set(cards))
        self.session.add_all(
            SegmentSegmentRef(segment_id=segment_id, ref_segment_id=s) for s in set(segments)
        )
        self.session.flush()

    def delete(self, row: SegmentRow) -> None:
        self.session.delete(row)
        self.session.flush()

    # lifecycle outbox
    def add_outbox(
        self, *, key: str, value: bytes, now: datetime, correlation_id: str | None = None
    ) -> None:
        self.session.add(LifecycleOutboxRow(key=key, value=value, created_at=now,
                                            correlation_id=correlation_id))  # fmt: skip

    def pending_outbox(self, limit: int) -> list[LifecycleOutboxRow]:
        stmt = select(LifecycleOutboxRow).order_by(LifecycleOutboxRow.id).limit(limit)
        return list(self.session.scalars(stmt))

    def delete_outbox(self, ids: Collection[int]) -> None:
        self.session.execute(delete(LifecycleOutboxRow).where(LifecycleOutboxRow.id.in_(ids)))
