"""Direct CSV download ("Download CSV" of the console): bytes start flowing at once.

The header row is sent before the snapshot is even taken; an unsorted export then streams
rows as they are read, a sorted one once every row is read. A failure mid-stream aborts the
response (no final chunk), so a client never takes a truncated file for a whole one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from export_svc.domain.jobs import ExportSpec, SourceKind, file_name
from export_svc.entrypoints.access import RevealAnonymized
from export_svc.entrypoints.deps import ApiServices, Services
from export_svc.entrypoints.routes import spec_of
from export_svc.entrypoints.schemas import ExportCreate, Order
from export_svc.service_layer.exports import Tracker, check_source, export_text, plan_of
from segshared.inputs import RowId
from segshared.openapi import problem_responses
from segshared.rules import RuleError

router = APIRouter(prefix="/exports", tags=["download"])
FLUSH_CHARS = 256 * 1024


async def _stream(
    services: ApiServices, spec: ExportSpec, name: str, now: datetime
) -> StreamingResponse:
    plan = plan_of(spec)

    async def body() -> AsyncIterator[bytes]:
        tracker = Tracker(sorted=plan.sorted)
        pending: list[str] = []
        size = 0
        async for text in export_text(
            spec,
            plan,
            members=services.members,
            tuning=services.tuning,
            tracker=tracker,
            mode="stream",
        ):
            if tracker.phase.value == "snapshot":  # the header: send it now
                yield text.encode()
                continue
            pending.append(text)
            size += len(text)
            if size >= FLUSH_CHARS:
                yield "".join(pending).encode()
                pending, size = [], 0
        if pending:
            yield "".join(pending).encode()

    fname = file_name(
        kind=spec.source_kind, source_id=spec.source_id, name=name, at=now, token="stream"
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{fname}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(body(), media_type="text/csv; charset=utf-8", headers=headers)


def _columns(text: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (text or "player_id").split(",") if c.strip())


@router.get("/stream", response_class=StreamingResponse, responses=problem_responses(404, 503))
async def stream_source(
    services: Services,
    reveal: RevealAnonymized,
    segment_id: Annotated[RowId | None, Query()] = None,
    card_id: Annotated[RowId | None, Query()] = None,
    columns: Annotated[str | None, Query(description="comma-separated fields")] = None,
    sort: Annotated[str | None, Query(description="a field; none: snapshot order")] = None,
    order: Annotated[Order, Query()] = "asc",
    bom: Annotated[bool, Query(description="UTF-8 byte order mark")] = False,
) -> StreamingResponse:
    """The CSV of a segment's or card's members, streamed (Table View's "Download CSV")."""
    if (segment_id is None) == (card_id is None):
        raise RuleError("segment_id", "give exactly one of segment_id and card_id")
    kind: SourceKind = "segment" if segment_id is not None else "card"
    spec = ExportSpec(
        kind, segment_id or card_id, None, _columns(columns), sort, order == "desc", bom, reveal
    )
    plan_of(spec)
    name = await check_source(spec, services.peers)
    return await _stream(services, spec, name, services.clock())


@router.post("/stream", response_class=StreamingResponse, responses=problem_responses(404, 503))
async def stream_body(
    body: ExportCreate, services: Services, reveal: RevealAnonymized
) -> StreamingResponse:
    """The CSV of a segment, card or unsaved definition (Execute's "Download CSV"), streamed."""
    spec = spec_of(body, reveal)
    plan_of(spec)
    name = await check_source(spec, services.peers)
    return await _stream(services, spec, name, services.clock())
