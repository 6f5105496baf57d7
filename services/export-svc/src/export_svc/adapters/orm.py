"""SQL tables of export-svc (SQLAlchemy 2 declarative); the Alembic migration mirrors them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from segshared.db import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class JobRow(Base):
    """One export: what, how, where its file is, and how far it got."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        Index("ix_export_jobs_status", "status"),
        Index("ix_export_jobs_source", "source_kind", "source_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16), default="manual")
    schedule_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_name: Mapped[str] = mapped_column(String(200), default="")
    definition: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    columns: Mapped[list[str]] = mapped_column(JSON)
    sort: Mapped[str | None] = mapped_column(String(100), nullable=True)
    descending: Mapped[bool] = mapped_column(Boolean, default=False)
    bom: Mapped[bool] = mapped_column(Boolean, default=False)
    can_see_anonymized: Mapped[bool] = mapped_column(Boolean, default=False)
    file_name: Mapped[str] = mapped_column(String(255))
    phase: Mapped[str] = mapped_column(String(16), default="snapshot")
    total_rows: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_written: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_written: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ScheduleRow(Base):
    """A recurring (daily/weekly) or on-change export of one segment."""

    __tablename__ = "export_schedules"
    __table_args__ = (
        Index("ix_export_schedules_segment", "segment_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    segment_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[str | None] = mapped_column(String(8), nullable=True)
    weekday: Mapped[int | None] = mapped_column(Integer, nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    columns: Mapped[list[str]] = mapped_column(JSON)
    sort: Mapped[str | None] = mapped_column(String(100), nullable=True)
    descending: Mapped[bool] = mapped_column(Boolean, default=False)
    bom: Mapped[bool] = mapped_column(Boolean, default=False)
    can_see_anonymized: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    stopped_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    first_change_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_change_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
