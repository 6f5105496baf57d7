"""External merge sort of rows (strings whose order is the row order) with bounded memory.

Rows are collected into runs of at most ``run_rows``; each full run is sorted and written to a
temporary file in marshalled blocks, and the runs are merged with `heapq.merge`, reading one block
per run at a time. Memory is O(run_rows + runs x block) whatever the number of rows; a small
export (one run) never touches the disk. `marshal` is the fastest codec for lists of str;
the files live only as long as this process, so its version-specific format is no concern.
"""

from __future__ import annotations

import heapq
import marshal
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

BLOCK = 5_000
Item = str


def _dump_run(items: list[Item], handle: IO[bytes]) -> None:
    for i in range(0, len(items), BLOCK):
        marshal.dump(items[i : i + BLOCK], handle)


def _read_run(path: Path) -> Iterator[Item]:
    with path.open("rb") as handle:
        while True:
            try:
                block: list[Item] = marshal.load(handle)  # our own temp file, never input
            except EOFError:
                return
            yield from block


class ExternalSort:
    """``add`` rows in any order, then iterate ``merged()`` once; ``close`` removes the runs."""

    def __init__(self, *, run_rows: int, tmp_dir: str | None = None) -> None:
        self._run_rows = run_rows
        self._items: list[Item] = []
        self._dir = tempfile.TemporaryDirectory(prefix="export-sort-", dir=tmp_dir)
        self._runs: list[Path] = []

    def add(self, items: Iterable[Item]) -> None:
        self._items.extend(items)
        if len(self._items) >= self._run_rows:
            self._spill()

    def _spill(self) -> None:
        self._items.sort()
        path = Path(self._dir.name) / f"run-{len(self._runs):05d}"
        with path.open("wb") as handle:
            _dump_run(self._items, handle)
        self._runs.append(path)
        self._items = []

    def merged(self) -> Iterator[Item]:
        """Every row added, in key order."""
        self._items.sort()
        if not self._runs:
            return iter(self._items)
        return heapq.merge(*(_read_run(p) for p in self._runs), iter(self._items))

    def close(self) -> None:
        self._items = []
        self._dir.cleanup()

    def __enter__(self) -> ExternalSort:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
