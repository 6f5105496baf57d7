"""SQL tables of segment-svc (SQLAlchemy 2 declarative); Alembic migrations mirror them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from segshared.db import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SegmentRow(Base):
    """A segment definition; ``revision`` grows with every change and drives rebuilds."""

    __tablename__ = "segments"
    # Never reuse the id of a deleted segment: its built shard sets may still be live.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # No foreign key: a clone outlives the segment it was cloned from.
    cloned_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Of the request that made the last change: the worker's build logs carry it.
    correlation_id: Mapped[str | None] = mapped_column(String(128), nullable=True)


class SegmentCardRef(Base):
    """Which cards a segment reads: card-svc asks before deleting a card."""

    __tablename__ = "segment_card_refs"

    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True
    )
    card_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class SegmentSegmentRef(Base):
    """Which segments a segment reads; RESTRICT makes deleting a referenced one fail."""

    __tablename__ = "segment_segment_refs"

    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True
    )
    ref_segment_id: Mapped[int] = mapped_column(
        ForeignKey("segments.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class LifecycleOutboxRow(Base):
    """A lifecycle event written in the same transaction as the change, until published."""

    __tablename__ = "segment_lifecycle_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Of the request that made the change; published as the record's header.
    correlation_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
