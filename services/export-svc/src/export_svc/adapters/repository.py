"""Jobs and schedules in SQL. Synchronous (SQLAlchemy sessions); callers use a thread.

Rows are returned detached (the session factory keeps them loaded after commit). SQLite hands
back naive datetimes, so every time read is made UTC-aware here, once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from export_svc.adapters.orm import JobRow, ScheduleRow
from export_svc.domain.jobs import JobStatus, Progress

_TIMES = (
    "created_at",
    "started_at",
    "heartbeat_at",
    "finished_at",
    "expires_at",
    "next_run_at",
    "first_change_at",
    "last_change_at",
    "last_run_at",
)


def _aware(row: Any) -> Any:
    for name in _TIMES:
        value = getattr(row, name, None)
        if isinstance(value, datetime) and value.tzinfo is None:
            setattr(row, name, value.replace(tzinfo=UTC))
    return row


class JobStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # jobs --------------------------------------------------------------------------------
    def add_job(self, **values: Any) -> JobRow:
        with self._sessions.begin() as session:
            row = JobRow(
                status=JobStatus.QUEUED.value,
                phase="snapshot",
                total_rows=0,
                rows_read=0,
                rows_written=0,
                bytes_written=0,
                **values,
            )
            session.add(row)
            session.flush()
            return _aware(row)

    def job(self, job_id: int) -> JobRow | None:
        with self._sessions() as session:
            row = session.get(JobRow, job_id)
            return _aware(row) if row else None

    def jobs(
        self,
        *,
        status: str | None,
        source_kind: str | None,
        source_id: int | None,
        limit: int,
        offset: int,
    ) -> tuple[list[JobRow], int]:
        query = select(JobRow)
        if status:
            query = query.where(JobRow.status == status)
        if source_kind:
            query = query.where(JobRow.source_kind == source_kind)
        if source_id is not None:
            query = query.where(JobRow.source_id == source_id)
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(query.order_by(JobRow.id.desc()).limit(limit).offset(offset))
            return [_aware(r) for r in rows], int(total)

    def delete_job(self, job_id: int) -> JobRow | None:
        with self._sessions.begin() as session:
            row = session.get(JobRow, job_id)
            if row is not None:
                session.delete(row)
            return _aware(row) if row else None

    def claim(self, *, now: datetime, stale_before: datetime) -> JobRow | None:
        """Take the oldest queued job, or one whose runner stopped beating; None if none.

        The conditional UPDATE makes the claim atomic: two runners never take the same job.
        """
        claimable = or_(
            JobRow.status == JobStatus.QUEUED.value,
            and_(JobRow.status == JobStatus.RUNNING.value, JobRow.heartbeat_at < stale_before),
        )
        with self._sessions.begin() as session:
            for job_id in session.scalars(
                select(JobRow.id).where(claimable).order_by(JobRow.id).limit(5)
            ):
                done = session.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, claimable)
                    .values(
                        status=JobStatus.RUNNING.value,
                        started_at=now,
                        heartbeat_at=now,
                        phase="snapshot",
                        rows_read=0,
                        rows_written=0,
                        error=None,
                    )
                )
                if done.rowcount == 1:  # type: ignore[attr-defined]
                    return _aware(session.get(JobRow, job_id))
        return None

    def progress(self, job_id: int, progress: Progress, *, now: datetime) -> bool:
        """Record progress; False when the job is no longer running here (deleted, taken)."""
        with self._sessions.begin() as session:
            done = session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == JobStatus.RUNNING.value)
                .values(
                    phase=progress.phase.value,
                    total_rows=progress.total,
                    rows_read=progress.rows_read,
                    rows_written=progress.rows_written,
                    heartbeat_at=now,
                )
            )
            return bool(done.rowcount)  # type: ignore[attr-defined]

    def finish(self, job_id: int, *, status: JobStatus, now: datetime, **values: Any) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id)
                .values(status=status.value, finished_at=now, heartbeat_at=now, **values)
            )

    def segment_deleted(self, segment_id: int, *, now: datetime, files_until: datetime) -> int:
        """Cancel its queued jobs and bring its files' expiry forward; the jobs touched."""
        of_segment = and_(JobRow.source_kind == "segment", JobRow.source_id == segment_id)
        with self._sessions.begin() as session:
            cancelled = session.execute(
                update(JobRow)
                .where(of_segment, JobRow.status == JobStatus.QUEUED.value)
                .values(
                    status=JobStatus.CANCELLED.value,
                    finished_at=now,
                    error=f"segment {segment_id} was deleted",
                )
            )
            session.execute(
                update(JobRow)
                .where(
                    of_segment, or_(JobRow.expires_at.is_(None), JobRow.expires_at > files_until)
                )
                .values(expires_at=files_until)
            )
            return int(cancelled.rowcount)  # type: ignore[attr-defined]

    def expired(self, *, now: datetime) -> list[JobRow]:
        """Finished jobs whose file is past its expiry."""
        done = (JobStatus.SUCCEEDED.value, JobStatus.FAILED.value, JobStatus.CANCELLED.value)
        with self._sessions() as session:
            rows = session.scalars(
                select(JobRow).where(JobRow.status.in_(done), JobRow.expires_at <= now)
            )
            return [_aware(r) for r in rows]

    def file_names(self) -> set[str]:
        with self._sessions() as session:
            return set(session.scalars(select(JobRow.file_name)))

    # schedules ---------------------------------------------------------------------------
    def add_schedule(self, **values: Any) -> ScheduleRow:
        with self._sessions.begin() as session:
            row = ScheduleRow(active=True, **values)
            session.add(row)
            session.flush()
            return _aware(row)

    def schedule(self, schedule_id: int) -> ScheduleRow | None:
        with self._sessions() as session:
            row = session.get(ScheduleRow, schedule_id)
            return _aware(row) if row else None

    def schedules(
        self, *, segment_id: int | None = None, active: bool | None = None
    ) -> list[ScheduleRow]:
        query = select(ScheduleRow).order_by(ScheduleRow.id)
        if segment_id is not None:
            query = query.where(ScheduleRow.segment_id == segment_id)
        if active is not None:
            query = query.where(ScheduleRow.active == active)
        with self._sessions() as session:
            return [_aware(r) for r in session.scalars(query)]

    def delete_schedule(self, schedule_id: int) -> bool:
        with self._sessions.begin() as session:
            row = session.get(ScheduleRow, schedule_id)
            if row is not None:
                session.delete(row)
            return row is not None

    def update_schedule(self, schedule_id: int, **values: Any) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(ScheduleRow).where(ScheduleRow.id == schedule_id).values(**values)
            )

    def segments_changed(self, segment_ids: Collection[int], *, now: datetime) -> int:
        """Note a membership change for the on-change schedules of ``segment_ids``."""
        if not segment_ids:
            return 0
        on_change = and_(
            ScheduleRow.kind == "on_change",
            ScheduleRow.active.is_(True),
            ScheduleRow.segment_id.in_(list(segment_ids)),
        )
        with self._sessions.begin() as session:
            session.execute(
                update(ScheduleRow)
                .where(on_change, ScheduleRow.first_change_at.is_(None))
                .values(first_change_at=now)
            )
            done = session.execute(update(ScheduleRow).where(on_change).values(last_change_at=now))
            return int(done.rowcount)  # type: ignore[attr-defined]

    def stop_segment_schedules(self, segment_id: int, *, reason: str) -> int:
        with self._sessions.begin() as session:
            done = session.execute(
                update(ScheduleRow)
                .where(ScheduleRow.segment_id == segment_id, ScheduleRow.active.is_(True))
                .values(
                    active=False,
                    stopped_reason=reason,
                    next_run_at=None,
                    first_change_at=None,
                    last_change_at=None,
                )
            )
            return int(done.rowcount)  # type: ignore[attr-defined]
