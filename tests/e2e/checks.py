"""Comparisons of the running stack with the oracle, shared by the e2e tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.e2e.diffs import all_diffs, apply_changes, report
from tests.e2e.kafka_io import Offsets
from tests.e2e.pipeline import Pipeline
from tests.oracle.bets_oracle import Row


def by_id(names: dict[str, int], members: dict[str, set[str]]) -> dict[int, set[str]]:
    return {names[name]: set(ids) for name, ids in members.items()}


def check_state(
    p: Pipeline, cards: dict[str, set[str]], segments: dict[str, set[str]], *, api: bool
) -> None:
    """Every card and segment equals the oracle in Redis (and through the APIs if ``api``)."""
    lines = all_diffs("card", p.cards_via_redis(), cards, source="redis")
    lines += all_diffs("segment", p.segments_via_redis(), segments, source="redis")
    if api:
        lines += all_diffs("card", p.cards_via_api(), cards, source="api pages")
        lines += all_diffs("segment", p.segments_via_api(), segments, source="api pages")
    counts = {c["name"]: c["count"] for c in p.api.cards()}
    counts |= {s["name"]: s["count"] for s in p.api.segments()}
    expected = {name: len(ids) for name, ids in (cards | segments).items()}
    lines += [
        f"{name!r}: listed count {counts.get(name)}, oracle {n}"
        for name, n in expected.items()
        if counts.get(name) != n
    ]
    assert not lines, report("members differ from the oracle:", lines) + "\n" + p.log_excerpt()


def window_bet(player_id: str, at: datetime, bet_id: int) -> tuple[Row, list[dict[str, Any]]]:
    """A lost bet of 5 as an oracle row and as its two player events (contract v1)."""
    row = Row(
        bet_id=bet_id,
        game_id=bet_id,
        player_id=player_id,
        bet=5.0,
        cashed_out=None,
        bonus=None,
        profit=None,
        busted_at=1.5,
        played_at=at,
    )
    when = at.isoformat().replace("+00:00", "Z")
    common = {"version": 1, "player_id": player_id, "occurred_at": when}
    ids = {"bet_id": str(bet_id), "game_id": str(bet_id)}
    placed = {"event_id": f"bet:{bet_id}:placed", "type": "bet_placed", **common}
    placed["data"] = {**ids, "amount": 5.0}
    settled = {"event_id": f"bet:{bet_id}:settled", "type": "bet_settled", **common}
    settled["data"] = {**ids, "outcome": "lost", "amount": 5.0, "stake": 5.0, "busted_at": 1.5}
    return row, [placed, settled]


def only(offsets: Offsets, topic: str) -> Offsets:
    return {tp: n for tp, n in offsets.items() if tp.topic == topic}


def event_diffs(
    names: dict[str, int],
    old: dict[str, set[str]],
    new: dict[str, set[str]],
    records: list[dict[str, Any]],
    id_field: str,
) -> list[str]:
    """Differences between ``old`` moved by the change ``records`` and ``new``."""
    moved = apply_changes(by_id(names, old), records, id_field=id_field)
    got = {name: moved.get(i, set()) for name, i in names.items()}
    return all_diffs(id_field.removesuffix("_id"), got, new, source="records")
