"""``GET /audit``: a service's audit log, newest first, paged by ``before`` (an entry id)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query
from pydantic import BaseModel, Field
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from segshared.audit import audit_table
from segshared.audit_log import install_audit
from segshared.db import StoredTime
from segshared.inputs import RowId, Text


class AuditEntry(BaseModel):
    id: int
    at: StoredTime
    key_id: str = Field(description="the API key that made the change")
    key_name: str
    entity_kind: str = Field(description="card, segment, action or channel")
    entity_id: str
    operation: str = Field(description="create, update or delete")
    request: str = Field(description="the route called, e.g. POST /segments/{segment_id}/clone")
    changes: dict[str, dict[str, Any]] = Field(description="field -> {before, after}")
    correlation_id: str | None = None


class AuditPage(BaseModel):
    items: list[AuditEntry]
    #: Pass as ``before`` for the next (older) page; None on the last page.
    next_before: int | None


def install_audit_log(
    app: FastAPI, sessions: Callable[[], Session], *, table_name: str,
    tracked: Mapping[type[Any], tuple[str, str]],
) -> None:  # fmt: skip
    """Record callers' changes of ``tracked`` in ``table_name`` and serve them at /audit."""
    table = audit_table(table_name)
    install_audit(sessions, table=table, tracked=tracked)
    app.include_router(audit_router(table, sessions))


def audit_router(table: Table, sessions: Callable[[], Session]) -> APIRouter:
    router = APIRouter(tags=["audit"])

    def read(kind: str | None, entity_id: str | None, limit: int, before: int | None) -> AuditPage:
        query = select(table).order_by(table.c.id.desc()).limit(limit + 1)
        if kind is not None:
            query = query.where(table.c.entity_kind == kind)
        if entity_id is not None:
            query = query.where(table.c.entity_id == entity_id)
        if before is not None:
            query = query.where(table.c.id < before)
        with sessions() as session:
            rows = [AuditEntry.model_validate(dict(r._mapping)) for r in session.execute(query)]
        more = len(rows) > limit
        return AuditPage(items=rows[:limit], next_before=rows[limit - 1].id if more else None)

    @router.get("/audit", response_model=AuditPage)
    async def audit(
        entity_kind: Annotated[
            Text | None, Query(description="card, segment, action or channel")
        ] = None,
        entity_id: Annotated[Text | None, Query(description="with entity_kind: one entity")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        before: Annotated[RowId | None, Query(description="entries older than this id")] = None,
    ) -> AuditPage:
        """Who changed what and when, newest first (scope ``admin``)."""
        return await asyncio.to_thread(read, entity_kind, entity_id, limit, before)

    return router
