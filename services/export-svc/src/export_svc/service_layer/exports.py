"""One export from start to CSV text: resolve the plan, snapshot, stream, clean up."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, Protocol

from export_svc.adapters.redis_members import Snapshot
from export_svc.domain.cells import BOM, header_line
from export_svc.domain.columns import ExportPlan, resolve_plan
from export_svc.domain.jobs import ExportSpec, Phase, Progress
from export_svc.service_layer.streaming import ChunkReader, Tuning, csv_text, read_chunks
from segshared import metrics
from segshared.rules import SegmentDefinition, parse_segment_definition

KEEP_ALIVE_S = 60.0


class Members(ChunkReader, Protocol):
    def shard_sets(self, kind: str, source_id: int) -> list[str]: ...
    async def snapshot_sets(self, shard_sets: list[str], token: str) -> Snapshot: ...
    async def snapshot_definition(self, defn: SegmentDefinition, token: str) -> Snapshot: ...
    async def keep_alive(self, snapshot: Snapshot) -> None: ...
    async def drop(self, snapshot: Snapshot) -> None: ...


class Peers(Protocol):
    async def source_name(self, kind: str, source_id: int) -> str: ...
    async def check_definition(self, definition: dict[str, Any]) -> None: ...


def plan_of(spec: ExportSpec) -> ExportPlan:
    """The plan of a stored spec (RuleError when a column or sort field is not allowed)."""
    return resolve_plan(
        spec.columns,
        sort=spec.sort,
        descending=spec.descending,
        can_see_anonymized=spec.can_see_anonymized,
    )


async def check_source(spec: ExportSpec, peers: Peers) -> str:
    """The source's display name, after checking it exists (or the definition is valid)."""
    if spec.source_kind == "definition":
        assert spec.definition is not None
        await peers.check_definition(spec.definition)
        parse_segment_definition(spec.definition)
        return "unsaved segment"
    assert spec.source_id is not None
    return await peers.source_name(spec.source_kind, spec.source_id)


async def take_snapshot(spec: ExportSpec, members: Members) -> Snapshot:
    token = uuid.uuid4().hex[:16]
    if spec.source_kind == "definition":
        assert spec.definition is not None
        defn = parse_segment_definition(spec.definition)
        return await members.snapshot_definition(defn, token)
    assert spec.source_id is not None
    return await members.snapshot_sets(members.shard_sets(spec.source_kind, spec.source_id), token)


@dataclass
class Tracker:
    """Counts of a running export, for progress reports."""

    sorted: bool
    phase: Phase = Phase.SNAPSHOT
    total: int = 0
    rows_read: int = 0
    rows_written: int = 0
    listeners: list[Callable[[Progress], None]] = field(default_factory=list)

    def rows(self, read: int, written: int) -> None:
        self.rows_read += read
        self.rows_written += written
        if written and self.phase != Phase.WRITING:
            self.phase = Phase.WRITING
        for listener in self.listeners:
            listener(self.progress())

    def progress(self) -> Progress:
        return Progress(self.phase, self.total, self.rows_read, self.rows_written, self.sorted)


async def export_text(
    spec: ExportSpec,
    plan: ExportPlan,
    *,
    members: Members,
    tuning: Tuning,
    tracker: Tracker,
    mode: str = "job",
) -> AsyncIterator[str]:
    """BOM and header at once, then the rows of a snapshot taken now; the snapshot is dropped
    however the stream ends. ``mode`` (job, stream) labels its duration and rows metrics."""
    started = time.monotonic()
    yield (BOM if spec.bom else "") + header_line(plan.columns)
    rows = _rows_text(spec, plan, members=members, tuning=tuning, tracker=tracker)
    try:
        async with aclosing(rows):  # an abandoned download drops its snapshot at once
            async for text in rows:
                yield text
    finally:
        status = "succeeded" if tracker.phase is Phase.DONE else "failed"
        metrics.EXPORT_SECONDS.labels(mode, status).observe(time.monotonic() - started)
        metrics.EXPORT_ROWS.labels(mode).inc(tracker.rows_written)


async def _rows_text(
    spec: ExportSpec, plan: ExportPlan, *, members: Members, tuning: Tuning, tracker: Tracker
) -> AsyncGenerator[str, None]:
    snapshot = await take_snapshot(spec, members)
    try:
        tracker.total = snapshot.total
        tracker.phase = Phase.READING
        tracker.rows(0, 0)
        chunks = read_chunks(members, snapshot.keys, snapshot.sizes, plan.fetched, tuning)
        renewed = time.monotonic()
        async for text in csv_text(plan, chunks, tuning, tracker.rows):
            yield text
            if time.monotonic() - renewed > KEEP_ALIVE_S:  # a slow reader: keep the copy
                await members.keep_alive(snapshot)
                renewed = time.monotonic()
        tracker.phase = Phase.DONE
        tracker.rows(0, 0)
    finally:
        await members.drop(snapshot)
