"""HTTP routes of segment-svc: segment CRUD and clone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from segment_svc.adapters.orm import SegmentRow
from segment_svc.entrypoints.deps import ApiServices, Services
from segment_svc.entrypoints.schemas import (
    CloneRequest,
    SegmentCreate,
    SegmentList,
    SegmentOut,
    SegmentUpdate,
)
from segment_svc.service_layer import queries
from segment_svc.service_layer import segments as uc
from segshared.inputs import MAX_OFFSET, RowId, Text
from segshared.openapi import problem_responses
from segshared.rules import RuleError

router = APIRouter(prefix="/segments", tags=["segments"])


async def _out(services: ApiServices, rows: list[SegmentRow]) -> list[SegmentOut]:
    stats = await services.views.stats([(r.id, r.revision) for r in rows])
    return [
        SegmentOut(
            id=r.id,
            name=r.name,
            description=r.description,
            include=r.definition["include"],
            exclude=r.definition.get("exclude"),
            revision=r.revision,
            cloned_from=r.cloned_from,
            created_at=r.created_at,
            updated_at=r.updated_at,
            count=stats[r.id].count,
            ready=stats[r.id].ready,
        )
        for r in rows
    ]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SegmentOut,
    responses=problem_responses(409, 503),
)
async def create(body: SegmentCreate, services: Services) -> SegmentOut:
    """Save a segment; the worker builds its members (``ready`` turns true)."""
    row = await uc.create_segment(
        ctx=services.ctx,
        name=body.name,
        description=body.description,
        include=body.include,
        exclude=body.exclude,
    )
    return (await _out(services, [row]))[0]


@router.get("", response_model=SegmentList)
async def search(
    services: Services,
    q: Annotated[Text | None, Query(description="Part of the name or description")] = None,
    card_id: Annotated[RowId | None, Query(description="Only segments reading this card")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> SegmentList:
    """Segments by id, with their sizes."""
    rows, total = await queries.list_segments(
        ctx=services.ctx, q=q, card_id=card_id, limit=limit, offset=offset
    )
    return SegmentList(items=await _out(services, rows), total=total)


@router.get("/{segment_id}", response_model=SegmentOut)
async def read(segment_id: RowId, services: Services) -> SegmentOut:
    row = await queries.get_segment(ctx=services.ctx, segment_id=segment_id)
    return (await _out(services, [row]))[0]


@router.put("/{segment_id}", response_model=SegmentOut, responses=problem_responses(409, 503))
async def update(segment_id: RowId, body: SegmentUpdate, services: Services) -> SegmentOut:
    """Change the given fields; a new definition is rebuilt by the worker."""
    changes = body.model_dump(include=body.model_fields_set)
    if "name" in changes and changes["name"] is None:
        raise RuleError("name", "name cannot be null")
    row = await uc.update_segment(ctx=services.ctx, segment_id=segment_id, changes=changes)
    return (await _out(services, [row]))[0]


@router.delete(
    "/{segment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(409, 503),
)
async def delete(segment_id: RowId, services: Services, force: bool = False) -> Response:
    """Delete a segment that no other segment references and no live action uses
    (``force=true``: delete it anyway and stop its actions)."""
    await uc.delete_segment(ctx=services.ctx, segment_id=segment_id, force=force)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{segment_id}/clone",
    status_code=status.HTTP_201_CREATED,
    response_model=SegmentOut,
    responses=problem_responses(409),
)
async def clone(
    segment_id: RowId, services: Services, body: CloneRequest | None = None
) -> SegmentOut:
    row = await uc.clone_segment(
        ctx=services.ctx, segment_id=segment_id, name=body.name if body else None
    )
    return (await _out(services, [row]))[0]
