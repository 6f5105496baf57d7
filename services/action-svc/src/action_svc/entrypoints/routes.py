"""HTTP routes of actions: CRUD, pause/resume, stats, dispatch log, send runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Response, status

from action_svc.adapters.repository import ActionRepository
from action_svc.entrypoints.deps import Services
from action_svc.entrypoints.schemas import ActionList, ActionOut, LogEntryOut, LogPage, RunOut
from action_svc.service_layer import actions as uc
from segshared.http import NotFound
from segshared.inputs import MAX_OFFSET, RowId, Text
from segshared.openapi import problem_responses
from segshared.rules import RuleError

router = APIRouter(prefix="/actions", tags=["actions"])
STATUSES = {"active", "paused", "completed", "stopped"}

# On the default catalog: segment 4 is "Hot right now", card 11 the uploaded VIP list.
SPEC_EXAMPLES: dict[str, Any] = {
    "triggered": {"summary": "Email every player entering Hot right now, at most once a day",
                  "value": {
        "name": "Hot streak", "target": {"kind": "segment", "id": 4}, "type": "triggered",
        "trigger": {"on": "entered"}, "channel": "email",
        "definition": {"subject": "Hi {{username|there}}",
                       "body": "Biggest stake so far: {{biggest_bet}}"},
        "frequency_cap": {"max": 1, "per_hours": 24}}},
    "single_send": {"summary": "An SMS to every member of the uploaded VIP list, now",
                    "value": {
        "name": "VIP bonus", "target": {"kind": "card", "id": 11}, "type": "single_send",
        "single_send": {}, "channel": "sms",
        "definition": {"body": "A bonus awaits, {{player_id}}"}}},
}  # fmt: skip


async def _out(services: Services, row: Any) -> ActionOut:
    return ActionOut.of(row, await services.log.stats(row.id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ActionOut,
    responses=problem_responses(503),
)
async def create(
    services: Services, body: Annotated[dict[str, Any], Body(openapi_examples=SPEC_EXAMPLES)]
) -> ActionOut:
    """Create an action (422 lists every problem with its location)."""
    return await _out(services, await uc.create_action(ctx=services.ctx, data=body))


@router.get("", response_model=ActionList)
async def list_actions(
    services: Services,
    target_kind: Literal["segment", "card"] | None = None,
    target_id: RowId | None = None,
    status_: Annotated[Text | None, Query(alias="status", description="e.g. active,paused")] = None,
    q: Annotated[Text | None, Query(description="text in the name or description")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ActionList:
    statuses = [s for s in (status_ or "").split(",") if s]
    unknown = set(statuses) - STATUSES
    if unknown:
        raise RuleError("status", f"unknown {sorted(unknown)}; use some of {sorted(STATUSES)}")

    def work(repo: ActionRepository) -> Any:
        return repo.search(target_kind=target_kind, target_id=target_id, statuses=statuses, q=q,
                         limit=limit, offset=offset)  # fmt: skip

    rows, total = await uc.in_db(services.ctx, work, write=False)
    return ActionList(items=[await _out(services, r) for r in rows], total=total)


@router.get("/{action_id}", response_model=ActionOut)
async def get(action_id: RowId, services: Services) -> ActionOut:
    return await _out(services, await uc.get_action(ctx=services.ctx, action_id=action_id))


@router.put("/{action_id}", response_model=ActionOut, responses=problem_responses(409, 503))
async def update(action_id: RowId, services: Services, body: dict[str, Any]) -> ActionOut:
    """Change any fields of the spec; the result is validated as a whole."""
    row = await uc.update_action(ctx=services.ctx, action_id=action_id, changes=body)
    return await _out(services, row)


@router.post("/{action_id}/pause", response_model=ActionOut, responses=problem_responses(409))
async def pause(action_id: RowId, services: Services) -> ActionOut:
    return await _out(services, await uc.pause_action(ctx=services.ctx, action_id=action_id))


@router.post("/{action_id}/resume", response_model=ActionOut, responses=problem_responses(409))
async def resume(action_id: RowId, services: Services, replay_missed: bool = False) -> ActionOut:
    """Resume; ``replay_missed=true`` also sends what was missed while paused."""
    row = await uc.resume_action(ctx=services.ctx, action_id=action_id,
                                 replay_missed=replay_missed)  # fmt: skip
    return await _out(services, row)


@router.delete("/{action_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete(action_id: RowId, services: Services) -> Response:
    await uc.delete_action(ctx=services.ctx, action_id=action_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{action_id}/stats")
async def stats(action_id: RowId, services: Services) -> dict[str, int]:
    """Outcome -> count over every shard."""
    await uc.get_action(ctx=services.ctx, action_id=action_id)
    return await services.log.stats(action_id)


@router.get("/{action_id}/log", response_model=LogPage)
async def dispatch_log(
    action_id: RowId,
    services: Services,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: str | None = None,
) -> LogPage:
    """Every dispatch and skip, newest first; page with ``before`` = the last page's ``next``."""
    await uc.get_action(ctx=services.ctx, action_id=action_id)
    try:
        entries = await services.log.page(action_id, limit=limit, before=before)
    except ValueError as exc:
        raise NotFound(str(exc)) from exc
    items = [LogEntryOut(id=e.id, at=datetime.fromtimestamp(e.at_ms / 1000, tz=UTC),
                         idempotency_key=e.key, player_id=e.player_id, outcome=e.outcome,
                         reason=e.reason, occurrence=e.occurrence) for e in entries]  # fmt: skip
    return LogPage(items=items, next=items[-1].id if len(items) == limit else None)


@router.get("/{action_id}/runs", response_model=list[RunOut])
async def runs(
    action_id: RowId, services: Services, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[RunOut]:
    """The sends of a single-send or scheduled action, newest first, with progress."""
    await uc.get_action(ctx=services.ctx, action_id=action_id)
    rows = await uc.in_db(services.ctx, lambda repo: repo.runs(action_id, limit=limit),
                        write=False)  # fmt: skip
    shards = range(services.ctx.partitions)
    progress = await asyncio.gather(*(services.target_sets.progress_all(shards, r.id)
                                      for r in rows))  # fmt: skip
    return [RunOut.of(row, p) for row, p in zip(rows, progress, strict=True)]
