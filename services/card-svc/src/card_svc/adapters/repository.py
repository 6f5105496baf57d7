"""Card definitions in SQL: the only module that knows the tables (sync, run in threads)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from card_svc.adapters.orm import CardRow, StaticMemberRow, utcnow


class DuplicateName(ValueError):
    """Another card already has this name."""


@dataclass(frozen=True)
class CardRecord:
    """A card definition as read from SQL (detached from any session)."""

    id: int
    name: str
    description: str
    kind: str
    rule: Any
    revision: int
    created_at: datetime
    updated_at: datetime


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; every stored time is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _record(row: CardRow) -> CardRecord:
    return CardRecord(
        id=row.id,
        name=row.name,
        description=row.description,
        kind=row.kind,
        rule=row.rule,
        revision=row.revision,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
    )


class CardRepository:
    """Reads and writes cards within one session; the caller commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, *, name: str, description: str, kind: str, rule: Any) -> CardRecord:
        now = utcnow()
        row = CardRow(
            name=name, description=description, kind=kind, rule=rule, revision=1,
            created_at=now, updated_at=now,
        )  # fmt: skip
        self.session.add(row)
        self._flush(name)
        return _record(row)

    def get(self, card_id: int) -> CardRecord | None:
        row = self.session.get(CardRow, card_id)
        return _record(row) if row else None

    def by_name(self, name: str) -> CardRecord | None:
        row = self.session.scalar(select(CardRow).where(CardRow.name == name))
        return _record(row) if row else None

    def update(self, card_id: int, **changes: Any) -> CardRecord | None:
        """Apply changes and bump the revision; None when the card does not exist."""
        row = self.session.get(CardRow, card_id)
        if row is None:
            return None
        for key, value in changes.items():
            setattr(row, key, value)
        row.revision += 1
        row.updated_at = utcnow()
        self._flush(changes.get("name", row.name))
        return _record(row)

    def delete(self, card_id: int) -> bool:
        self.session.execute(delete(StaticMemberRow).where(StaticMemberRow.card_id == card_id))
        row = self.session.get(CardRow, card_id)
        if row is None:
            return False
        self.session.delete(row)  # through the ORM, so that the audit log sees it
        self.session.flush()
        return True

    def search(
        self, *, q: str | None, ids: Sequence[int] | None, limit: int, offset: int
    ) -> tuple[list[CardRecord], int]:
        """Cards whose name or description contains ``q``, by id; and how many match."""
        where = []
        if q:
            pattern = f"%{q.lower()}%"
            name, text = func.lower(CardRow.name), func.lower(CardRow.description)
            where.append(or_(name.like(pattern), text.like(pattern)))
        if ids is not None:
            where.append(CardRow.id.in_(list(ids)))
        total = self.session.scalar(select(func.count()).select_from(CardRow).where(*where)) or 0
        rows = self.session.scalars(
            select(CardRow).where(*where).order_by(CardRow.id).limit(limit).offset(offset)
        )
        return [_record(r) for r in rows], int(total)

    def all(self) -> list[CardRecord]:
        return [_record(r) for r in self.session.scalars(select(CardRow).order_by(CardRow.id))]

    def replace_members(self, card_id: int, player_ids: Iterable[str]) -> None:
        self.session.execute(delete(StaticMemberRow).where(StaticMemberRow.card_id == card_id))
        rows = [{"card_id": card_id, "player_id": p} for p in sorted(set(player_ids))]
        for start in range(0, len(rows), 5000):
            self.session.execute(insert(StaticMemberRow), rows[start : start + 5000])

    def members(self, card_id: int) -> set[str]:
        query = select(StaticMemberRow.player_id).where(StaticMemberRow.card_id == card_id)
        return set(self.session.scalars(query))

    def _flush(self, name: str) -> None:
        try:
            self.session.flush()
        except IntegrityError as exc:
            self.session.rollback()
            raise DuplicateName(f"a card named {name!r} already exists") from exc
