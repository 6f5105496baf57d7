"""An export as a stream of CSV text: snapshot chunks in, lines out, sorted or not.

Unsorted, each chunk becomes CSV text as it arrives, so memory is one chunk per request in
flight. Sorted, each chunk's lines are keyed and fed to an external sort, and the merged
lines are written once every row has been read. A few chunk reads stay in flight while a
chunk is formatted, so Redis (one core) and Python (the other) work at the same time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from export_svc.domain.cells import CRLF, chunk_lines, chunk_text
from export_svc.domain.columns import ExportPlan
from export_svc.domain.ordering import line_of, sort_strings
from export_svc.service_layer.external_sort import ExternalSort

WRITE_LINES = 10_000


class ChunkReader(Protocol):
    async def chunk(
        self, snapshot_key: str, shard: int, start: int, rows: int, fields: Sequence[str]
    ) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Tuning:
    chunk_rows: int = 10_000
    prefetch: int = 3
    sort_run_rows: int = 100_000
    tmp_dir: str | None = None


async def read_chunks(
    reader: ChunkReader,
    keys: Sequence[str],
    sizes: Sequence[int],
    fields: Sequence[str],
    tuning: Tuning,
) -> AsyncIterator[list[str]]:
    """Every row of the snapshot, in shard order, ``chunk_rows`` at a time."""
    requests = [
        (keys[p], p, start)
        for p in range(len(keys))
        for start in range(0, sizes[p], tuning.chunk_rows)
    ]
    pending: list[asyncio.Task[list[str]]] = []
    try:
        for i in range(len(requests) + 1):
            # Keep ``prefetch`` reads queued in Redis while this process formats a chunk.
            while len(pending) < tuning.prefetch and i + len(pending) < len(requests):
                key, shard, start = requests[i + len(pending)]
                pending.append(
                    asyncio.ensure_future(
                        reader.chunk(key, shard, start, tuning.chunk_rows, fields)
                    )
                )
            if not pending:
                return
            yield await pending.pop(0)
    finally:
        for task in pending:
            task.cancel()


async def csv_text(
    plan: ExportPlan,
    chunks: AsyncIterator[list[str]],
    tuning: Tuning,
    on_rows: Callable[[int, int], None],
) -> AsyncIterator[str]:
    """CSV text (no header) of every chunk; ``on_rows(read, written)`` counts progress."""
    width = 1 + len(plan.fetched)
    if not plan.sorted:
        async for flat in chunks:
            rows = len(flat) // width
            on_rows(rows, rows)
            yield chunk_text(plan, flat)
        return
    assert plan.sort is not None
    kind = plan.sort_type or "text"
    key_at = plan.position(plan.sort)
    with ExternalSort(run_rows=tuning.sort_run_rows, tmp_dir=tuning.tmp_dir) as sorter:
        async for flat in chunks:
            ids = flat[::width]
            lines = chunk_lines(plan, flat)
            sorter.add(sort_strings(plan.sort, kind, plan.descending, ids, flat[key_at::width],
                                    lines))  # fmt: skip
            on_rows(len(ids), 0)
        batch: list[str] = []
        for item in sorter.merged():
            batch.append(line_of(item))
            if len(batch) >= WRITE_LINES:
                on_rows(0, len(batch))
                yield CRLF.join(batch) + CRLF
                batch = []
                await asyncio.sleep(0)  # let the event loop breathe between merge batches
        if batch:
            on_rows(0, len(batch))
            yield CRLF.join(batch) + CRLF
