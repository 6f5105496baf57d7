"""Bets CSV rows -> player events. Pure: no I/O, so the mapping is unit-tested on its own."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

REQUIRED_COLUMNS = (
    "bet_id",
    "game_id",
    "player_id",
    "bet",
    "cashed_out",
    "bonus",
    "profit",
    "busted_at",
    "played_at",
)

BetIdKey = tuple[int, int, str]


class RowError(ValueError):
    """A row that cannot be replayed; ``line`` is its line number in the file (header = 1)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Bet:
    """One validated row: a player's stake in one round and its outcome."""

    line: int
    bet_id: str
    game_id: str | None
    player_id: str
    stake: float
    cashed_out: float | None
    bonus_percent: float | None
    profit: float | None
    busted_at: float | None
    played_at: datetime

    @property
    def won(self) -> bool:
        return self.profit is not None

    def sort_key(self) -> tuple[datetime, BetIdKey]:
        """Replay order: by time, then by bet id (numerically when it is a number)."""
        return self.played_at, bet_id_key(self.bet_id)


def bet_id_key(bet_id: str) -> BetIdKey:
    """Numeric ids sort as numbers (9 before 10) and before any non-numeric id."""
    return (0, int(bet_id), "") if bet_id.isdigit() else (1, 0, bet_id)


def missing_columns(header: Iterable[str]) -> list[str]:
    """The required columns absent from ``header``, in the documented order."""
    present = {h.strip() for h in header}
    return [c for c in REQUIRED_COLUMNS if c not in present]


def _number(row: Mapping[str, str | None], column: str, *, required: bool = False) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        if required:
            raise ValueError(f"{column} is empty")
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{column}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{column}: {text!r} is not a finite number")
    return value


def _time(text: str | None) -> datetime:
    text = (text or "").strip()
    if not text:
        raise ValueError("played_at is empty")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"played_at: {text!r} is not an ISO 8601 time") from None
    # The column is documented as UTC; a time without a zone is read as such.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_bet(row: Mapping[str, str | None], *, line: int) -> Bet:
    """Validate one CSV row (column name -> text); raises :class:`RowError` saying why not."""
    try:
        bet_id = (row.get("bet_id") or "").strip()
        player_id = (row.get("player_id") or "").strip()
        if not bet_id:
            raise ValueError("bet_id is empty")
        if not player_id:
            raise ValueError("player_id is empty")
        stake = _number(row, "bet", required=True)
        assert stake is not None
        return Bet(
            line=line,
            bet_id=bet_id,
            game_id=(row.get("game_id") or "").strip() or None,
            player_id=player_id,
            stake=stake,
            cashed_out=_number(row, "cashed_out"),
            bonus_percent=_number(row, "bonus"),
            profit=_number(row, "profit"),
            busted_at=_number(row, "busted_at"),
            played_at=_time(row.get("played_at")),
        )
    except ValueError as exc:
        raise RowError(line, str(exc)) from None
