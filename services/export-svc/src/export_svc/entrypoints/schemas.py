"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from export_svc.adapters.orm import JobRow, ScheduleRow
from export_svc.domain.jobs import JobStatus, Phase, Progress
from export_svc.domain.schedules import WEEKDAYS
from segshared.inputs import RowId

Order = Literal["asc", "desc"]


class Definition(BaseModel):
    """An unsaved segment definition, as POST /segments/execute of segment-svc takes it."""

    include: dict[str, Any]
    exclude: dict[str, Any] | None = None


class ExportCreate(BaseModel):
    """Exactly one of ``segment_id``, ``card_id`` or ``definition``."""

    # High rollers (card 1), biggest stakes first; the results of an Execute (unsaved).
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [
            {"card_id": 1, "columns": ["player_id", "total_wagered", "biggest_bet"],
             "sort": "biggest_bet", "order": "desc", "bom": True},
            {"definition": {"include": {"and": [{"card": 1}, {"card": 2}]},
                            "exclude": {"card": 6}},
             "columns": ["player_id", "net_result"]},
        ]},
    )  # fmt: skip

    segment_id: RowId | None = None
    card_id: RowId | None = None
    definition: Definition | None = None
    columns: list[str] | None = Field(None, description="field names; default player_id")
    sort: str | None = Field(None, description="a field; none: snapshot order (fastest)")
    order: Order = "asc"
    bom: bool = Field(False, description="UTF-8 byte order mark, for spreadsheet programs")

    @model_validator(mode="after")
    def _one_source(self) -> ExportCreate:
        given = [n for n in ("segment_id", "card_id", "definition") if getattr(self, n)]
        if len(given) != 1:
            raise ValueError("give exactly one of segment_id, card_id, definition")
        return self


class ProgressOut(BaseModel):
    phase: Phase
    total_rows: int
    rows_read: int
    rows_written: int
    percent: float


class SourceOut(BaseModel):
    kind: str
    id: int | None
    name: str


class JobOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{
            "id": 1, "status": "succeeded", "trigger": "manual", "schedule_id": None,
            "source": {"kind": "card", "id": 1, "name": "High rollers"},
            "columns": ["player_id", "total_wagered", "biggest_bet"], "sort": "biggest_bet",
            "order": "desc", "bom": True,
            "progress": {"phase": "done", "total_rows": 627, "rows_read": 627,
                         "rows_written": 627, "percent": 100.0},
            "file_name": "card-1-high-rollers-20261201T090000Z-3f2a9c.csv", "bytes": 18342,
            "download_url": "/exports/1/file", "error": None,
            "created_at": "2026-12-01T09:00:00Z", "started_at": "2026-12-01T09:00:00Z",
            "finished_at": "2026-12-01T09:00:01Z", "expires_at": "2026-12-08T09:00:01Z",
        }]}
    )  # fmt: skip

    id: int
    status: JobStatus
    trigger: str
    schedule_id: int | None = None  # defaults: FastAPI drops nulls from documented examples
    source: SourceOut
    columns: list[str]
    sort: str | None
    order: Order
    bom: bool
    progress: ProgressOut
    file_name: str
    bytes: int
    download_url: str | None
    error: str | None = None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None

    @classmethod
    def of(cls, row: JobRow) -> JobOut:
        status = JobStatus(row.status)
        progress = Progress(
            Phase(row.phase), row.total_rows, row.rows_read, row.rows_written, row.sort is not None
        )
        return cls(
            id=row.id,
            status=status,
            trigger=row.trigger,
            schedule_id=row.schedule_id,
            source=SourceOut(kind=row.source_kind, id=row.source_id, name=row.source_name),
            columns=row.columns,
            sort=row.sort,
            order="desc" if row.descending else "asc",
            bom=row.bom,
            progress=ProgressOut(
                phase=progress.phase,
                total_rows=row.total_rows,
                rows_read=row.rows_read,
                rows_written=row.rows_written,
                percent=progress.percent,
            ),
            file_name=row.file_name,
            bytes=row.bytes_written,
            download_url=f"/exports/{row.id}/file" if status == JobStatus.SUCCEEDED else None,
            error=row.error,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            expires_at=row.expires_at,
        )


class JobPage(BaseModel):
    items: list[JobOut]
    total: int


class ScheduleCreate(BaseModel):
    # VIPs at risk (segment 1) every Monday 08:00 Malta time; Reactivation after each change.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [
            {"segment_id": 1, "kind": "weekly", "weekday": "monday", "at": "08:00",
             "timezone": "Europe/Malta", "columns": ["player_id", "net_result"]},
            {"segment_id": 5, "kind": "on_change"},
        ]},
    )  # fmt: skip

    segment_id: RowId
    kind: Literal["daily", "weekly", "on_change"]
    at: str | None = Field(None, description="HH:MM local time (daily, weekly)")
    weekday: str | None = Field(None, description=f"weekly: one of {', '.join(WEEKDAYS)}")
    timezone: str | None = Field(None, description="IANA zone, default UTC")
    columns: list[str] | None = None
    sort: str | None = None
    order: Order = "asc"
    bom: bool = False


class ScheduleOut(BaseModel):
    id: int
    segment_id: int
    kind: str
    at: str | None
    weekday: str | None
    timezone: str
    columns: list[str]
    sort: str | None
    order: Order
    bom: bool
    active: bool
    stopped_reason: str | None
    next_run_at: datetime | None
    pending_change_since: datetime | None
    last_run_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, row: ScheduleRow) -> ScheduleOut:
        return cls(
            id=row.id,
            segment_id=row.segment_id,
            kind=row.kind,
            at=row.at,
            weekday=WEEKDAYS[row.weekday] if row.weekday is not None else None,
            timezone=row.timezone,
            columns=row.columns,
            sort=row.sort,
            order="desc" if row.descending else "asc",
            bom=row.bom,
            active=row.active,
            stopped_reason=row.stopped_reason,
            next_run_at=row.next_run_at,
            pending_change_since=row.first_change_at,
            last_run_at=row.last_run_at,
            created_at=row.created_at,
        )
