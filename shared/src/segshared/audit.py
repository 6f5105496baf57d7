"""The audit log: every change a caller makes to a card, segment, action or channel setting.

Each service keeps its log in its own database (``<service>_audit``; services may share one
database). Entries are written by a flush listener (segshared.audit_log), so an
entry and its change commit in the same transaction, and no use case can forget one. Only
requests record (the caller is bound by segshared.auth); workers' own changes are not a
caller's and are not logged.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes the current request: the key's id and name, and the route it called."""

    key_id: str
    key_name: str
    request: str


Changes = dict[str, dict[str, Any]]
#: The caller of the request in progress (None outside requests, e.g. in workers).
current_actor: ContextVar[Actor | None] = ContextVar("current_actor", default=None)
_metadata = MetaData()


def audit_columns() -> list[Column[Any]]:
    """The columns of an audit table; its migration creates them (``op.create_table``)."""
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("key_id", String(32), nullable=False),
        Column("key_name", String(200), nullable=False),
        Column("entity_kind", String(32), nullable=False),
        Column("entity_id", String(64), nullable=False),
        Column("operation", String(16), nullable=False),
        Column("request", String(200), nullable=False),
        Column("changes", JSON, nullable=False),
        Column("correlation_id", String(128), nullable=True),
    ]


def create_audit_table(op: Any, name: str) -> None:
    """In a migration (``op`` is Alembic's): the table ``name`` and its index."""
    op.create_table(name, *audit_columns(), sqlite_autoincrement=True)
    op.create_index(f"ix_{name}_entity", name, ["entity_kind", "entity_id", "id"])


def drop_audit_table(op: Any, name: str) -> None:
    op.drop_index(f"ix_{name}_entity", table_name=name)
    op.drop_table(name)


def audit_table(name: str) -> Table:
    """The audit table ``name`` (e.g. ``card_audit``), newest entries read by id."""
    if name in _metadata.tables:
        return _metadata.tables[name]
    table = Table(name, _metadata, *audit_columns(), sqlite_autoincrement=True)
    Index(f"ix_{name}_entity", table.c.entity_kind, table.c.entity_id, table.c.id)
    return table
