"""Single and scheduled sends: plan the due occurrences, then send each worker's shards.

An occurrence is a row (unique per action), created once whoever plans it. Each worker sends
the shards it owns: snapshot the shard set, walk it in chunks, commit each chunk's dispatches
(deduped on their keys), then record the cursor. A crash redoes at most one chunk, and the
dedupe makes that harmless.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from action_svc.adapters.dispatch_store import DispatchStore
from action_svc.adapters.orm import RunRow
from action_svc.adapters.repository import ActionRepository
from action_svc.adapters.target_sets import TargetSets
from action_svc.domain.idempotency import scheduled_occurrence
from action_svc.domain.schedule import occurrences_between
from action_svc.service_layer.catalogue import Catalogue, LiveAction
from action_svc.service_layer.dispatching import Candidate, dispatch
from action_svc.service_layer.limits import Limiters

SINGLE = "single"


def due_occurrence(action: LiveAction, last_due: datetime | None, now: datetime) -> datetime | None:
    """The newest occurrence of ``action`` due by ``now`` that has no run yet, if any.

    Occurrences missed while the worker was down collapse into the newest one: a campaign
    sends its latest edition once rather than a burst of stale ones.
    """
    spec = action.spec
    if spec.type == "single_send":
        if last_due is not None:
            return None
        send_at = spec.single_send.send_at if spec.single_send else None
        due = send_at or action.created_at
        return due if due <= now else None
    if spec.type != "scheduled" or spec.schedule is None:
        return None
    start = max(t for t in (last_due, action.active_since, spec.starts_at) if t is not None)
    end = min(now, spec.ends_at) if spec.ends_at is not None else now
    found = occurrences_between(spec.schedule, start, end, limit=100_000)
    return found[-1] if found else None


async def plan_runs(
    *, session_factory: sessionmaker[Session], catalogue: Catalogue, now: datetime
) -> int:
    """Create the run of every occurrence that is due; returns how many were created."""

    def plan() -> int:
        created = 0
        with session_factory() as session:
            repo = ActionRepository(session)
            for action in catalogue.actions.values():
                if not action.active or action.spec.type == "triggered":
                    continue
                due = due_occurrence(action, repo.last_run_due(action.id), now)
                if due is None:
                    continue
                occurrence = SINGLE if action.spec.type == "single_send" else \
                    scheduled_occurrence(due)  # fmt: skip
                run = RunRow(action_id=action.id, occurrence=occurrence,
                             reason=action.spec.type, due_at=due, status="pending")  # fmt: skip
                try:
                    with session.begin_nested():
                        repo.add_run(run)
                    session.commit()
                    created += 1
                except IntegrityError:  # another worker planned it first
                    session.rollback()
        return created

    return await asyncio.to_thread(plan)


async def send_shard(
    *, run: RunRow, action: LiveAction, shard: int, targets: TargetSets, store: DispatchStore,
    chunk: int, limiters: Limiters, now: Callable[[], datetime],
    keep_going: Callable[[], Awaitable[bool]],
) -> Counter[str]:  # fmt: skip
    """Send the run to shard ``shard``; counts of outcomes, ``shards_done`` 1 when done.

    ``keep_going`` is asked before every chunk: a paused or stopped action stops mid-send and
    its progress stays, so a resume goes on from the cursor.
    """
    counts: Counter[str] = Counter()
    progress = await targets.progress(shard, run.id)
    if progress.get("done"):
        return counts
    kind, target_id = action.spec.target.kind, action.spec.target.id
    if not progress.get("snap"):
        await targets.take_snapshot(kind, target_id, shard, run.id)
    cursor = progress.get("cursor", 0)
    while await keep_going():
        cursor, members = await targets.scan(shard, run.id, cursor, chunk)
        if members:
            await limiters.acquire(action.spec.channel, len(members))
            candidates = [Candidate(action, shard, player, run.occurrence, run.reason)
                          for player in members]  # fmt: skip
            counts += await dispatch(candidates, store=store, now=now())
        await targets.advance(shard, run.id, cursor, len(members))
        if cursor == 0:
            counts["shards_done"] += 1
            break
    return counts


async def finish_runs(
    *, session_factory: sessionmaker[Session], targets: TargetSets, runs: Sequence[RunRow],
    partitions: int, now: datetime,
) -> int:  # fmt: skip
    """Mark runs done whose every shard is sent; a finished single send completes its action."""
    finished = []
    for run in runs:
        progress = await targets.progress_all(range(partitions), run.id)
        if all(p.get("done") for p in progress):
            finished.append(run.id)

    def mark() -> None:
        with session_factory() as session, session.begin():
            repo = ActionRepository(session)
            for run_id in finished:
                row = repo.get_run(run_id)
                if row is None or row.status == "done":
                    continue
                row.status, row.finished_at = "done", now
                action = repo.get(row.action_id)
                if action is not None and action.type == "single_send":
                    action.status, action.status_reason = "completed", "sent"
                    action.updated_at = now

    if finished:
        await asyncio.to_thread(mark)
    return len(finished)
