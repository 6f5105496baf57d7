"""SQL tables of action-svc (SQLAlchemy 2 declarative); Alembic migrations mirror them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from segshared.db import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ActionRow(Base):
    """An action: what to send, to whom (a segment or card), when, on which channel."""

    __tablename__ = "actions"
    # Never reuse an id: dispatch logs, stats and idempotency keys carry it.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    target_kind: Mapped[str] = mapped_column(String(16), index=True)
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    type: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    #: The submitted spec (definition, trigger, single_send, schedule, cap) as JSON.
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: When sends may start: scheduled occurrences before it are not due (set on resume).
    active_since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RunRow(Base):
    """One occurrence of a send (single or scheduled): its snapshot, cursor and progress.

    The unique (action, occurrence) makes creating an occurrence twice impossible, whichever
    process or restart tries.
    """

    __tablename__ = "action_runs"
    __table_args__ = (UniqueConstraint("action_id", "occurrence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    occurrence: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(16))  # single_send | scheduled
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: pending -> running -> done; skipped (missed while paused); cancelled. Per-shard
    #: progress lives in Redis beside the shard's snapshot (each worker sends its shards).
    status: Mapped[str] = mapped_column(String(16), index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ChannelSettingsRow(Base):
    """Per-channel guards set by operators: the global frequency cap and the send rate."""

    __tablename__ = "channel_settings"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    cap_max: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cap_per_hours: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rate_limit_per_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
