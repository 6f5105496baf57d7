"""Seed data and independent expectations for the export-svc integration tests."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from functools import cmp_to_key
from typing import Any

LABELS = {"player_id": "Player ID", "bets_count": "Bets", "net_result": "Net result",
          "last_bet_at": "Last bet", "country": "Country", "email": "Email",
          "email_opt_in": "Email opt-in", "total_wagered": "Total wagered"}  # fmt: skip
COUNTRIES = ["MT", "DE", "de", "Åland", "SE", "", "GB"]
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def profiles(n: int, seed: int = 3) -> dict[str, dict[str, str]]:
    """``n`` players with ties, missing values, negative numbers and a few text ids."""
    rng = random.Random(seed)
    out: dict[str, dict[str, str]] = {}
    ids = [str(1000 + i) for i in range(n - 4)] + ["alice", "Bob", "007", "7"]
    for player_id in ids:
        values: dict[str, str] = {"bets_count": str(rng.randint(0, 5))}
        if rng.random() < 0.8:
            values["net_result"] = repr(round(rng.uniform(-500, 500), 2))
        if rng.random() < 0.8:
            when = EPOCH + timedelta(minutes=rng.randint(0, 50))
            values["last_bet_at"] = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        country = rng.choice(COUNTRIES)
        if country:
            values["country"] = country
        values["email"] = f"{player_id}@example.com"
        values["email_opt_in"] = rng.choice(["true", "false"])
        out[player_id] = values
    return out


def parse_csv(body: bytes) -> tuple[list[str], list[list[str]]]:
    text = body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def _typed(kind: str, raw: str | None) -> Any:
    if raw is None or raw == "":
        return None
    if kind == "number":
        return float(raw)
    if kind == "datetime":
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if kind == "boolean":
        return raw == "true"
    return raw


def _id_cmp(a: str, b: str) -> int:
    """Numeric ids by value (equal values: no leading zero first, then text), then others."""

    def key(p: str) -> tuple[int, int, int, str]:
        if p.isdecimal():
            return (0, int(p), 0 if p == (p.lstrip("0") or "0") else 1, p)
        return (1, 0, 0, p)

    return (key(a) > key(b)) - (key(a) < key(b))


def expected_order(
    data: dict[str, dict[str, str]], members: set[str], field: str, kind: str, desc: bool
) -> list[str]:
    """The documented order, by comparisons written out one by one: no value last, ties by
    player id ascending (numeric ids numerically and first)."""

    def cmp(a: str, b: str) -> int:
        if field == "player_id":
            result = _id_cmp(a, b)
            return -result if desc else result
        va, vb = _typed(kind, data[a].get(field)), _typed(kind, data[b].get(field))
        if va is None or vb is None:
            if va is None and vb is None:
                return _id_cmp(a, b)
            return 1 if va is None else -1
        if va != vb:
            less = va < vb
            return (1 if less else -1) if desc else (-1 if less else 1)
        return _id_cmp(a, b)

    return sorted(members, key=cmp_to_key(cmp))
