"""Runs queued export jobs into files, reporting progress; any number of runners may share
the database (each job is claimed atomically; a runner that stops beating loses its job)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from export_svc.adapters.files import ExportFiles
from export_svc.adapters.orm import JobRow
from export_svc.adapters.repository import JobStore
from export_svc.domain.jobs import ExportSpec, JobStatus, Progress, SourceKind
from export_svc.service_layer.exports import Members, Tracker, export_text, plan_of
from export_svc.service_layer.streaming import Tuning

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class JobGone(RuntimeError):
    """The job was deleted (or taken by another runner) while it ran."""


def spec_of(job: JobRow) -> ExportSpec:
    kind: SourceKind = job.source_kind  # type: ignore[assignment]
    return ExportSpec(
        kind,
        job.source_id,
        job.definition,
        tuple(job.columns),
        job.sort,
        job.descending,
        job.bom,
        job.can_see_anonymized,
    )


@dataclass
class RunnerConfig:
    max_running: int = 2
    poll_s: float = 1.0
    progress_every_s: float = 0.5
    stale_after_s: float = 60.0
    retention_s: int = 7 * 86_400


class JobRunner:
    def __init__(
        self,
        *,
        store: JobStore,
        members: Members,
        files: ExportFiles,
        tuning: Tuning,
        config: RunnerConfig,
        clock: Clock,
    ) -> None:
        self._store = store
        self._members = members
        self._files = files
        self._tuning = tuning
        self._config = config
        self._clock = clock
        self._running: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """A job was queued: look now rather than at the next poll."""
        self._wake.set()

    async def run_forever(self) -> None:
        while True:
            try:
                await self.start_claimed()
            except Exception:  # the database may come back
                log.exception("claiming export jobs failed; retrying")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._config.poll_s)

    async def start_claimed(self) -> list[int]:
        """Claim and start jobs while slots are free; the ids started."""
        started: list[int] = []
        while len(self._running) < self._config.max_running:
            now = self._clock()
            stale = now - timedelta(seconds=self._config.stale_after_s)
            job = await asyncio.to_thread(self._store.claim, now=now, stale_before=stale)
            if job is None:
                break
            task = asyncio.create_task(self.run(job), name=f"export-{job.id}")
            self._running.add(task)
            task.add_done_callback(self._done)
            started.append(job.id)
        return started

    def _done(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self._wake.set()

    async def wait_idle(self) -> None:
        """Until every started job has finished (tests, shutdown)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def run(self, job: JobRow) -> None:
        """Write one job's file; the job ends succeeded, failed, or gone (deleted meanwhile)."""
        spec = spec_of(job)
        last = 0.0
        tracker = Tracker(sorted=spec.sort is not None)
        pending: list[Progress] = []
        tracker.listeners.append(pending.append)
        try:
            plan = plan_of(spec)
            self._files.ensure()
            partial = self._files.partial(job.file_name)
            with partial.open("w", encoding="utf-8", newline="") as out:
                stream = export_text(
                    spec, plan, members=self._members, tuning=self._tuning, tracker=tracker
                )
                async for text in stream:
                    out.write(text)
                    if pending and time.monotonic() - last >= self._config.progress_every_s:
                        last = time.monotonic()
                        await self._report(job.id, pending[-1])
                        pending.clear()
            size = self._files.publish(job.file_name)
            await self._report(job.id, tracker.progress())
            now = self._clock()
            expires = now + timedelta(seconds=self._config.retention_s)
            await asyncio.to_thread(
                self._store.finish,
                job.id,
                status=JobStatus.SUCCEEDED,
                now=now,
                bytes_written=size,
                phase="done",
                rows_read=tracker.rows_read,
                rows_written=tracker.rows_written,
                total_rows=tracker.total,
                expires_at=expires,
            )
            log.info("export %s: %s rows, %s bytes", job.id, tracker.rows_written, size)
        except JobGone:
            self._files.remove(job.file_name)
            log.info("export %s was deleted while it ran; stopped", job.id)
        except Exception as exc:
            self._files.remove(job.file_name)
            log.exception("export %s failed", job.id)
            now = self._clock()
            await asyncio.to_thread(
                self._store.finish,
                job.id,
                status=JobStatus.FAILED,
                now=now,
                error=f"{type(exc).__name__}: {exc}",
                expires_at=now + timedelta(seconds=self._config.retention_s),
            )

    async def _report(self, job_id: int, progress: Progress) -> None:
        still = await asyncio.to_thread(self._store.progress, job_id, progress, now=self._clock())
        if not still:
            raise JobGone(job_id)
