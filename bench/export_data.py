"""Synthetic players for the export benchmark, resampled from the real bets.

Each synthetic player copies the figures of a real player of ``data/bustabit/bets.csv.gz``
picked at random (so counts, stakes, wins and net results keep the real, heavy-tailed joint
distribution) with a little jitter: money scaled by a log-normal factor (sigma 0.25), counts
by the same factor, first bet moved uniformly within the real file's time range, activity span
kept. Pure except for reading the CSV; Redis loading is in `bench.export`.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

BETS = Path(__file__).resolve().parents[1] / "data" / "bustabit" / "bets.csv.gz"
ISO = "%Y-%m-%dT%H:%M:%S.%fZ"
COLUMNS = ("player_id", "bets_count", "total_wagered", "net_result", "biggest_bet",
           "wins_count", "first_bet_at", "last_bet_at")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Template:
    bets: int
    wagered: float
    biggest: float
    wins: int
    net: float
    first: datetime
    span_s: float


def templates(path: Path = BETS) -> tuple[list[Template], datetime, datetime]:
    """Per-player figures of the real file, and its first and last bet times."""
    acc: dict[str, list[float]] = {}
    times: dict[str, list[datetime]] = {}
    with gzip.open(path, "rb") as raw:
        for rec in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
            stake = float(rec["bet"])
            profit = rec["profit"].strip()
            won = profit != ""
            at = datetime.fromisoformat(rec["played_at"].replace("Z", "+00:00"))
            a = acc.setdefault(rec["player_id"], [0, 0.0, 0.0, 0, 0.0])
            a[0] += 1
            a[1] += stake
            a[2] = max(a[2], stake)
            a[3] += 1 if won else 0
            a[4] += float(profit) if won else -stake
            t = times.setdefault(rec["player_id"], [at, at])
            t[0], t[1] = min(t[0], at), max(t[1], at)
    out = [
        Template(int(a[0]), a[1], a[2], int(a[3]), a[4], times[p][0],
                 (times[p][1] - times[p][0]).total_seconds())
        for p, a in acc.items()
    ]  # fmt: skip
    start = min(t.first for t in out)
    end = max(t.first + timedelta(seconds=t.span_s) for t in out)
    return out, start, end


def players(n: int, *, seed: int = 7, path: Path = BETS) -> Iterator[dict[str, str]]:
    """``n`` profiles as Redis would hold them (strings, as segshared.fields encodes them)."""
    rng = random.Random(seed)
    pool, start, end = templates(path)
    range_s = (end - start).total_seconds()
    for i in range(n):
        t = rng.choice(pool)
        k = rng.lognormvariate(0.0, 0.25)
        bets = max(1, round(t.bets * k))
        wins = min(bets, round(t.wins * k))
        first = start + timedelta(seconds=rng.uniform(0, range_s))
        yield {
            "player_id": str(2_000_000 + i),
            "bets_count": str(bets),
            "total_wagered": repr(round(t.wagered * k, 2)),
            "net_result": repr(round(t.net * k, 2)),
            "biggest_bet": repr(round(t.biggest * k, 2)),
            "wins_count": str(wins),
            "first_bet_at": first.astimezone(UTC).strftime(ISO),
            "last_bet_at": (first + timedelta(seconds=t.span_s)).astimezone(UTC).strftime(ISO),
        }
