"""Scheduled (daily, weekly) and on-change exports of a segment; the worker runs them."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from export_svc.domain.jobs import ExportSpec
from export_svc.domain.schedules import check_recurrence, next_run
from export_svc.entrypoints.access import RevealAnonymized
from export_svc.entrypoints.deps import Services
from export_svc.entrypoints.schemas import ScheduleCreate, ScheduleOut
from export_svc.service_layer.exports import check_source, plan_of
from segshared.http import NotFound
from segshared.inputs import RowId
from segshared.openapi import problem_responses

router = APIRouter(prefix="/schedules", tags=["schedules"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ScheduleOut,
    responses=problem_responses(404, 503),
)
async def create_schedule(
    body: ScheduleCreate, services: Services, reveal: RevealAnonymized
) -> ScheduleOut:
    """Export a segment daily or weekly at a local time, or after its membership changes."""
    rec = check_recurrence(body.kind, body.at, body.weekday, body.timezone)
    columns = tuple(body.columns or ("player_id",))
    spec = ExportSpec(
        "segment", body.segment_id, None, columns, body.sort, body.order == "desc", body.bom, reveal
    )
    plan_of(spec)
    await check_source(spec, services.peers)
    now = services.clock()
    row = await asyncio.to_thread(
        services.store.add_schedule,
        segment_id=body.segment_id,
        kind=body.kind,
        at=rec.at.strftime("%H:%M") if rec.at else None,
        weekday=rec.weekday,
        timezone=rec.timezone,
        columns=list(columns),
        sort=body.sort,
        descending=body.order == "desc",
        bom=body.bom,
        can_see_anonymized=reveal,
        next_run_at=next_run(rec, now),
        created_at=now,
    )
    return ScheduleOut.of(row)


@router.get("", response_model=list[ScheduleOut])
async def list_schedules(
    services: Services, segment_id: Annotated[RowId | None, Query()] = None
) -> list[ScheduleOut]:
    rows = await asyncio.to_thread(services.store.schedules, segment_id=segment_id)
    return [ScheduleOut.of(r) for r in rows]


@router.get("/{schedule_id}", response_model=ScheduleOut)
async def get_schedule(schedule_id: RowId, services: Services) -> ScheduleOut:
    row = await asyncio.to_thread(services.store.schedule, schedule_id)
    if row is None:
        raise NotFound(f"schedule {schedule_id} does not exist")
    return ScheduleOut.of(row)


@router.delete("/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_schedule(schedule_id: RowId, services: Services) -> Response:
    """Stop and forget a schedule; files already written stay until their retention."""
    if not await asyncio.to_thread(services.store.delete_schedule, schedule_id):
        raise NotFound(f"schedule {schedule_id} does not exist")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
