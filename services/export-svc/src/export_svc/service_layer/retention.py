"""Removing export files past their retention, and files nobody knows about."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from export_svc.adapters.files import PART, ExportFiles
from export_svc.adapters.repository import JobStore
from export_svc.domain.jobs import JobStatus

log = logging.getLogger(__name__)


async def sweep(
    *,
    store: JobStore,
    files: ExportFiles,
    now: datetime,
    retention: timedelta,
    stale_partial: timedelta,
) -> int:
    """Expire jobs whose file is due, then remove stray files; the number of files removed."""
    removed = 0
    for job in await asyncio.to_thread(store.expired, now=now):
        files.remove(job.file_name)
        await asyncio.to_thread(
            store.finish, job.id, status=JobStatus.EXPIRED, now=job.finished_at or now
        )
        removed += 1
    known = await asyncio.to_thread(store.file_names)
    old = set(files.older_than(now - retention))
    for name in files.older_than(now - min(retention, stale_partial)):
        base = name.removesuffix(PART)
        # A .part file not written to for a while belongs to a runner that died; any other
        # file older than the retention that no job knows of is a leftover.
        if base not in known and (name.endswith(PART) or name in old):
            files.path(name).unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("retention: removed %s export files", removed)
    return removed
