"""Export jobs: what is exported, how far a job got, and what its file is called."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

SourceKind = Literal["segment", "card", "definition"]
Trigger = Literal["manual", "schedule", "change"]


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # the file passed its retention and was removed


ACTIVE = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})


class Phase(StrEnum):
    """Where a running job is: sorted exports read everything before writing anything."""

    SNAPSHOT = "snapshot"
    READING = "reading"
    WRITING = "writing"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class ExportSpec:
    """What to export and how; stored with the job, so a retry exports the same thing."""

    source_kind: SourceKind
    source_id: int | None
    definition: dict[str, Any] | None
    columns: tuple[str, ...]
    sort: str | None
    descending: bool
    bom: bool
    can_see_anonymized: bool


@dataclass(frozen=True, slots=True)
class Progress:
    phase: Phase
    total: int
    rows_read: int
    rows_written: int
    sorted: bool

    @property
    def percent(self) -> float:
        """0-100. A sorted export reads every row before it writes one, so reading counts for
        half of it; an unsorted one writes each row as it reads it."""
        if self.phase == Phase.DONE:
            return 100.0
        if self.total <= 0:
            return 0.0
        if self.sorted:
            done = (self.rows_read + self.rows_written) / (2 * self.total)
        else:
            done = self.rows_written / self.total
        return round(min(99.9, 100.0 * done), 1)


def slug(text: str) -> str:
    """File-name-safe lower-case words: ``VIPs at risk`` -> ``vips-at-risk``."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:60].rstrip("-") or "export"


def file_name(
    *, kind: SourceKind, source_id: int | None, name: str, at: datetime, token: str
) -> str:
    """``segment-5-vips-at-risk-20240131T120000Z-3f2a9c.csv``: what, which, when, unique."""
    stamp = at.strftime("%Y%m%dT%H%M%SZ")
    ident = f"{kind}-{source_id}" if source_id is not None else kind
    return f"{ident}-{slug(name)}-{stamp}-{token}.csv"
