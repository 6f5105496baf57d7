"""Reading exports of the running stack back, and what the oracle says they should hold."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime
from typing import Any

import httpx

from tests.oracle.bets_oracle import Figures, profile_row

#: Profile columns of the export checks; the oracle computes each independently.
FIGURES: tuple[str, ...] = (
    "bets_count", "total_wagered", "biggest_bet", "first_bet_at", "last_bet_at", "wins_count",
    "losses_count", "total_won", "total_lost", "net_result", "biggest_win", "best_multiplier",
    "total_bonus",
)  # fmt: skip


def read_csv(body: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def typed(cell: str, like: Any) -> Any:
    """A CSV cell as the oracle types the value it is compared with."""
    if cell == "":
        return None
    if isinstance(like, datetime):
        return datetime.fromisoformat(cell.replace("Z", "+00:00"))
    if isinstance(like, int) and not isinstance(like, bool):
        return int(cell)
    return float(cell)


def oracle_row(figures: dict[str, Figures], player_id: str) -> dict[str, Any]:
    """The oracle's values of FIGURES for one player (None everywhere: never bet)."""
    if player_id not in figures:
        return dict.fromkeys(FIGURES)
    row = profile_row(figures[player_id])
    return {name: row[name] for name in FIGURES}


def exported_rows(rows: list[list[str]], figures: dict[str, Figures]) -> dict[str, dict[str, Any]]:
    """player id -> typed values of one export's rows (FIGURES after player_id)."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        player_id, cells = row[0], row[1:]
        assert player_id not in out, f"{player_id} exported twice"
        like = oracle_row(figures, player_id)
        out[player_id] = {n: typed(c, like[n]) for n, c in zip(FIGURES, cells, strict=True)}
    return out


def wait_for_job(client: httpx.Client, job_id: int, timeout_s: float = 120.0) -> dict[str, Any]:
    """Poll a job until it ends; the percents seen along the way are in ``seen``."""
    seen: list[float] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/exports/{job_id}").json()
        seen.append(job["progress"]["percent"])
        if job["status"] not in ("queued", "running"):
            job["seen"] = seen
            return job
        time.sleep(0.2)
    raise AssertionError(f"export {job_id} did not finish in {timeout_s}s: {seen[-5:]}")
