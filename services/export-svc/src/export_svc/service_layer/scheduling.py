"""Scheduled and on-change exports, and what a deleted segment means for them.

Every function takes ``now``: the worker passes its clock, tests a clock of their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from export_svc.adapters.orm import ScheduleRow
from export_svc.adapters.repository import JobStore
from export_svc.domain.jobs import ExportSpec, Trigger
from export_svc.domain.schedules import Recurrence, change_due, next_run
from export_svc.service_layer.exports import Peers
from export_svc.service_layer.jobs import queue_job

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timing:
    debounce: timedelta
    max_delay: timedelta
    deleted_retention: timedelta


def recurrence_of(row: ScheduleRow) -> Recurrence:
    at = time.fromisoformat(row.at) if row.at else None
    return Recurrence(row.kind, at, row.weekday, row.timezone)  # type: ignore[arg-type]


def spec_of_schedule(row: ScheduleRow) -> ExportSpec:
    return ExportSpec(
        "segment",
        row.segment_id,
        None,
        tuple(row.columns),
        row.sort,
        row.descending,
        row.bom,
        row.can_see_anonymized,
    )


async def _name(peers: Peers, segment_id: int) -> str:
    try:
        return await peers.source_name("segment", segment_id)
    except Exception:  # the file name only; the export itself does not need segment-svc
        return f"segment {segment_id}"


async def run_due(*, store: JobStore, peers: Peers, timing: Timing, now: datetime) -> list[int]:
    """Queue a job for every schedule that is due at ``now``; the job ids."""
    queued: list[int] = []
    for row in await asyncio.to_thread(store.schedules, active=True):
        trigger: Trigger
        after: dict[str, datetime | None]
        if row.kind == "on_change":
            due = change_due(
                first_change=row.first_change_at,
                last_change=row.last_change_at,
                now=now,
                debounce=timing.debounce,
                max_delay=timing.max_delay,
            )
            trigger, after = "change", {"first_change_at": None, "last_change_at": None}
        else:
            due = row.next_run_at is not None and row.next_run_at <= now
            trigger = "schedule"
            after = {"next_run_at": next_run(recurrence_of(row), now)}
        if not due:
            continue
        # Clear the trigger first: a crash here skips one run rather than repeating it forever.
        await asyncio.to_thread(store.update_schedule, row.id, last_run_at=now, **after)
        job = await queue_job(
            spec_of_schedule(row),
            store=store,
            name=await _name(peers, row.segment_id),
            now=now,
            trigger=trigger,
            schedule_id=row.id,
        )
        queued.append(job.id)
        log.info("schedule %s (%s) queued export %s", row.id, row.kind, job.id)
    return queued


async def segments_changed(*, store: JobStore, segment_ids: Collection[int], now: datetime) -> int:
    """Membership of ``segment_ids`` moved: start or extend their on-change debounce."""
    return await asyncio.to_thread(store.segments_changed, segment_ids, now=now)


async def segment_deleted(
    *, store: JobStore, segment_id: int, timing: Timing, now: datetime
) -> None:
    """Stop its schedules, cancel its queued jobs, expire its files within the retention."""
    reason = f"segment {segment_id} was deleted at {now.isoformat()}"
    stopped = await asyncio.to_thread(store.stop_segment_schedules, segment_id, reason=reason)
    until = now + timing.deleted_retention
    cancelled = await asyncio.to_thread(
        store.segment_deleted, segment_id, now=now, files_until=until
    )
    log.info(
        "segment %s deleted: %s schedules stopped, %s queued exports cancelled",
        segment_id,
        stopped,
        cancelled,
    )
