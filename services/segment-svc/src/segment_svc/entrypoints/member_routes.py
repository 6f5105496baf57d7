"""HTTP routes over members: a segment's table view, and execute (preview) of a definition."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from segment_svc.entrypoints.deps import Services
from segment_svc.entrypoints.schemas import ExecuteRequest, ExecuteResult, MembersOut
from segment_svc.service_layer import queries
from segment_svc.service_layer.columns import check_columns
from segment_svc.service_layer.execute import execute_definition
from segment_svc.service_layer.validation import check_cards, check_segments, parse_definition
from segshared.auth.fastapi import CurrentCaller
from segshared.history import HistoryOut
from segshared.inputs import MAX_OFFSET, RowId
from segshared.openapi import problem_responses

router = APIRouter(prefix="/segments", tags=["members"])


@router.post("/execute", response_model=ExecuteResult, responses=problem_responses(503))
async def execute(body: ExecuteRequest, services: Services, caller: CurrentCaller) -> ExecuteResult:
    """Members of an unsaved definition: exact count and the first page."""
    defn = parse_definition(body.include, body.exclude, limits=services.ctx.limits)
    await check_cards(defn, cards=services.ctx.cards)
    refs = await queries.segment_refs(ctx=services.ctx)
    check_segments(defn, segment_refs=refs, segment_id=None)
    columns, sort = check_columns(body.columns, body.sort)
    page = await execute_definition(
        defn=defn,
        views=services.views,
        keys=services.keys,
        partitions=services.partitions,
        columns=columns,
        sort=sort,
        descending=body.order == "desc",
        offset=body.offset,
        limit=body.limit,
        ttl_s=services.scratch_ttl_s,
        reveal_anonymized=caller.sees_anonymized,
    )
    return ExecuteResult(count=page.total, items=page.items)


@router.get("/{segment_id}/members", response_model=MembersOut)
async def members(
    segment_id: RowId,
    services: Services,
    caller: CurrentCaller,
    columns: Annotated[str | None, Query(description="Comma-separated fields")] = None,
    sort: Annotated[str | None, Query(description="A field; default player_id")] = None,
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> MembersOut:
    """Table view: a sorted page of the segment's members with the chosen columns."""
    await queries.get_segment(ctx=services.ctx, segment_id=segment_id)
    wanted = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    cols, sort_field = check_columns(wanted, sort)
    page = await services.views.page(
        services.views.shard_keys(segment_id),
        columns=cols,
        sort=sort_field,
        descending=order == "desc",
        offset=offset,
        limit=limit,
        reveal_anonymized=caller.sees_anonymized,
    )
    return MembersOut(total=page.total, items=page.items)


@router.get("/{segment_id}/history", response_model=HistoryOut)
async def history(
    segment_id: int,
    services: Services,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> HistoryOut:
    """Size over time: a point whenever the sampled size changed, oldest first."""
    row = await queries.get_segment(ctx=services.ctx, segment_id=segment_id)
    stats = await services.views.stats([(row.id, row.revision)])
    points = await services.history.points(segment_id, limit=limit)
    return HistoryOut(id=segment_id, size=stats[segment_id].count, points=points)
