"""Reads a bets CSV (plain or gzip) into validated, ordered bets; bad rows are set aside."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from playerseg.replay.rows import Bet, RowError, missing_columns, parse_bet

_GZIP_MAGIC = b"\x1f\x8b"


class MissingColumnsError(ValueError):
    """The file lacks columns the replay needs."""

    def __init__(self, path: Path, missing: list[str]) -> None:
        super().__init__(f"{path} is missing the column(s): {', '.join(missing)}")
        self.path = path
        self.missing = missing


@dataclass
class BetFile:
    """The usable bets of a file in replay order, and the rows that were skipped."""

    bets: list[Bet] = field(default_factory=list)
    bad_rows: list[RowError] = field(default_factory=list)


def _open_text(path: Path) -> IO[str]:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == _GZIP_MAGIC
    # utf-8-sig drops a byte-order mark that spreadsheet exports put before the header.
    if gzipped:
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str | None]]]:
    """``(line number, row)`` pairs; raises :class:`MissingColumnsError` before the first row."""
    with _open_text(path) as text:
        reader = csv.DictReader(text)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = missing_columns(header)
        if missing:
            raise MissingColumnsError(path, missing)
        reader.fieldnames = header
        for row in reader:
            yield reader.line_num, row


def read_bets(path: Path, *, limit: int | None = None) -> BetFile:
    """Every valid bet of ``path`` ordered by (played_at, bet_id); the first ``limit`` of them."""
    result = BetFile()
    for line, row in iter_rows(path):
        try:
            result.bets.append(parse_bet(row, line=line))
        except RowError as exc:
            result.bad_rows.append(exc)
    result.bets.sort(key=Bet.sort_key)
    if limit is not None:
        del result.bets[limit:]
    return result
