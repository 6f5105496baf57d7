"""Use cases of export jobs: create (checked), list, get, delete."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

from export_svc.adapters.files import ExportFiles
from export_svc.adapters.orm import JobRow
from export_svc.adapters.repository import JobStore
from export_svc.domain.jobs import ExportSpec, Trigger, file_name
from export_svc.service_layer.exports import Peers, check_source, plan_of
from segshared.http import NotFound


async def create_job(
    spec: ExportSpec,
    *,
    store: JobStore,
    peers: Peers,
    now: datetime,
    trigger: Trigger = "manual",
    schedule_id: int | None = None,
) -> JobRow:
    """Check the columns and the source, then queue the job."""
    plan_of(spec)  # RuleError (422) for an unknown or masked column or sort field
    name = await check_source(spec, peers)
    return await queue_job(
        spec, store=store, name=name, now=now, trigger=trigger, schedule_id=schedule_id
    )


async def queue_job(
    spec: ExportSpec,
    *,
    store: JobStore,
    name: str,
    now: datetime,
    trigger: Trigger,
    schedule_id: int | None,
) -> JobRow:
    """Queue a job whose spec is already checked."""
    fname = file_name(
        kind=spec.source_kind,
        source_id=spec.source_id,
        name=name,
        at=now,
        token=uuid.uuid4().hex[:6],
    )
    return await asyncio.to_thread(
        store.add_job,
        trigger=trigger,
        schedule_id=schedule_id,
        source_kind=spec.source_kind,
        source_id=spec.source_id,
        source_name=name[:200],
        definition=spec.definition,
        columns=list(spec.columns),
        sort=spec.sort,
        descending=spec.descending,
        bom=spec.bom,
        can_see_anonymized=spec.can_see_anonymized,
        file_name=fname,
        created_at=now,
    )


async def get_job(job_id: int, *, store: JobStore) -> JobRow:
    job = await asyncio.to_thread(store.job, job_id)
    if job is None:
        raise NotFound(f"export {job_id} does not exist")
    return job


async def delete_job(job_id: int, *, store: JobStore, files: ExportFiles) -> None:
    """Forget the job and remove its file; a running job notices and stops."""
    job = await asyncio.to_thread(store.delete_job, job_id)
    if job is None:
        raise NotFound(f"export {job_id} does not exist")
    files.remove(job.file_name)
