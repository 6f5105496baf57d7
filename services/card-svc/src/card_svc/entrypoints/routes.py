"""Card endpoints: definitions, uploads, members."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status

from card_svc.adapters.segment_client import SegmentServiceUnavailable
from card_svc.entrypoints.deps import ApiDeps, get_deps
from card_svc.entrypoints.errors import ServiceUnavailable
from card_svc.entrypoints.members import members_of
from card_svc.entrypoints.schemas import CardCreate, CardOut, CardPage, CardUpdate, MembersPageOut
from card_svc.service_layer import cards as uc
from card_svc.service_layer.uploads import parse_player_ids
from segshared.auth.fastapi import CurrentCaller
from segshared.history import HistoryOut, SizeHistory
from segshared.http import Conflict
from segshared.inputs import MAX_OFFSET, MAX_ROW_ID, RowId, Text
from segshared.openapi import problem_responses

router = APIRouter(prefix="/cards", tags=["cards"])
Deps = Annotated[ApiDeps, Depends(get_deps)]
IDS = r"^\d+(,\d+)*$"


async def _ids_of(file: UploadFile) -> list[str]:
    return parse_player_ids(await file.read())


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CardOut,
    responses=problem_responses(409),
)
async def create_card(body: CardCreate, deps: Deps) -> CardOut:
    """Create a rule card; its members are computed in the background (``ready``)."""
    record = await asyncio.to_thread(
        uc.create_rule_card,
        sessions=deps.sessions,
        name=body.name,
        description=body.description,
        rule=body.rule,
        max_window=deps.settings.max_window,
    )
    await deps.announce("card_created", record)
    return await deps.view(record)


@router.post(
    "/upload",
    status_code=status.HTTP_201_CREATED,
    response_model=CardOut,
    responses=problem_responses(409),
)
async def upload_card(
    deps: Deps,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    file: Annotated[UploadFile, File(description="CSV with a player_id column, or one id a line")],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> CardOut:
    """Create a static card listing the uploaded players."""
    ids = await _ids_of(file)
    record = await asyncio.to_thread(
        uc.create_static_card,
        sessions=deps.sessions,
        name=name,
        description=description,
        player_ids=ids,
    )
    await deps.announce("card_created", record)
    return await deps.view(record)


@router.put("/{card_id}", response_model=CardOut, responses=problem_responses(409))
async def update_card(card_id: RowId, body: CardUpdate, deps: Deps) -> CardOut:
    """Change name, description or rule (a new revision: members are recomputed)."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    record = await asyncio.to_thread(
        uc.update_card,
        sessions=deps.sessions,
        card_id=card_id,
        changes=changes,
        max_window=deps.settings.max_window,
    )
    await deps.announce("card_updated", record)
    return await deps.view(record)


@router.put("/{card_id}/members", response_model=CardOut, responses=problem_responses(409))
async def replace_members(
    card_id: RowId,
    deps: Deps,
    file: Annotated[UploadFile, File(description="CSV with a player_id column, or one id a line")],
) -> CardOut:
    """Replace the list of an uploaded card."""
    ids = await _ids_of(file)
    record = await asyncio.to_thread(
        uc.replace_members, sessions=deps.sessions, card_id=card_id, player_ids=ids
    )
    await deps.announce("card_updated", record)
    return await deps.view(record)


@router.get("", response_model=CardPage)
async def list_cards(
    deps: Deps,
    q: Annotated[Text | None, Query(description="text in name or description")] = None,
    ids: Annotated[str | None, Query(description="comma-separated ids", pattern=IDS)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> CardPage:
    """Cards by id, filtered by text or ids."""
    # Larger ids cannot exist: leave them out rather than ask the database.
    id_list = [n for n in map(int, ids.split(",")) if n <= MAX_ROW_ID] if ids else None
    records, total = await asyncio.to_thread(
        uc.list_cards, sessions=deps.sessions, q=q, ids=id_list, limit=limit, offset=offset
    )
    return CardPage(items=await deps.views(records), total=total)


@router.get("/{card_id}", response_model=CardOut)
async def get_card(card_id: RowId, deps: Deps) -> CardOut:
    record = await asyncio.to_thread(uc.get_card, sessions=deps.sessions, card_id=card_id)
    return await deps.view(record)


@router.delete(
    "/{card_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(409, 503),
)
async def delete_card(
    card_id: RowId,
    deps: Deps,
    force: Annotated[bool, Query(description="delete even if segments use the card")] = False,
) -> Response:
    """Delete a card unless a segment uses it (409 names them; ``force=true`` overrides)."""
    record = await asyncio.to_thread(uc.get_card, sessions=deps.sessions, card_id=card_id)
    if not force:
        try:
            users = await deps.segments.referencing(card_id)
        except SegmentServiceUnavailable as exc:
            raise ServiceUnavailable(
                f"cannot check which segments use card {card_id}: {exc}; "
                "retry later, or pass force=true to delete anyway"
            ) from exc
        if users:
            names = ", ".join(f"{s['name']!r} (id {s['id']})" for s in users)
            raise Conflict(
                f"card {card_id} ({record.name!r}) is used by segments {names}; "
                "change them first or pass force=true",
                users,
            )
    record = await asyncio.to_thread(uc.delete_card, sessions=deps.sessions, card_id=card_id)
    await deps.announce("card_deleted", record)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{card_id}/members", response_model=MembersPageOut)
async def card_members(
    card_id: RowId,
    deps: Deps,
    caller: CurrentCaller,
    columns: Annotated[str, Query(description="comma-separated fields")] = "player_id",
    sort: Annotated[str | None, Query(description="field to sort by")] = None,
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """One page of the card's players with the chosen profile columns."""
    await asyncio.to_thread(uc.get_card, sessions=deps.sessions, card_id=card_id)
    return await members_of(
        deps,
        card_id,
        columns=columns,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        reveal_anonymized=caller.sees_anonymized,
    )


@router.get("/{card_id}/history", response_model=HistoryOut)
async def card_history(
    card_id: int, deps: Deps, limit: Annotated[int, Query(ge=1, le=1000)] = 500
) -> HistoryOut:
    """Size over time: a point whenever the sampled size changed, oldest first."""
    record = await asyncio.to_thread(uc.get_card, sessions=deps.sessions, card_id=card_id)
    history = SizeHistory(redis=deps.redis, keys=deps.settings.keys, kind="card")
    points = await history.points(card_id, limit=limit)
    return HistoryOut(id=card_id, size=(await deps.view(record)).count, points=points)
