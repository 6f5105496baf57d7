"""Per-player aggregates (the player profile) folded from bets in file order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .rows import Row

PROFILE_FIELDS: tuple[str, ...] = (
    "player_id",
    "bets_count",
    "total_wagered",
    "biggest_bet",
    "first_bet_at",
    "last_bet_at",
    "wins_count",
    "losses_count",
    "total_won",
    "total_lost",
    "net_result",
    "biggest_win",
    "best_multiplier",
    "total_bonus",
)


@dataclass(slots=True)
class Figures:
    """One player's profile figures; biggest_win/best_multiplier are None until a win."""

    player_id: str
    bets_count: int
    total_wagered: float
    biggest_bet: float
    first_bet_at: datetime
    last_bet_at: datetime
    wins_count: int = 0
    losses_count: int = 0
    total_won: float = 0.0
    total_lost: float = 0.0
    biggest_win: float | None = None
    best_multiplier: float | None = None
    total_bonus: float = 0.0

    @property
    def net_result(self) -> float:
        """Profits of won bets minus stakes of lost bets (one subtraction, as the spec states)."""
        return self.total_won - self.total_lost


def _start(row: Row) -> Figures:
    return Figures(
        player_id=row.player_id,
        bets_count=0,
        total_wagered=0.0,
        biggest_bet=row.bet,
        first_bet_at=row.played_at,
        last_bet_at=row.played_at,
    )


def _fold(fig: Figures, row: Row) -> None:
    # Plain `+=` left folds in the caller's (played_at, bet_id) order: the services add in that
    # order, so the float results match bit for bit. Never use math.fsum or a reordered sum here.
    fig.bets_count += 1
    fig.total_wagered += row.bet
    fig.biggest_bet = max(fig.biggest_bet, row.bet)
    fig.first_bet_at = min(fig.first_bet_at, row.played_at)
    fig.last_bet_at = max(fig.last_bet_at, row.played_at)
    if row.profit is None:
        fig.losses_count += 1
        fig.total_lost += row.bet
        return
    fig.wins_count += 1
    fig.total_won += row.profit
    fig.biggest_win = row.profit if fig.biggest_win is None else max(fig.biggest_win, row.profit)
    if row.cashed_out is not None:
        best = fig.best_multiplier
        fig.best_multiplier = row.cashed_out if best is None else max(best, row.cashed_out)
    if row.bonus is not None:
        fig.total_bonus += row.bonus_paid


def player_figures(rows: Iterable[Row]) -> dict[str, Figures]:
    """Fold rows (already in file order) into figures per player_id."""
    out: dict[str, Figures] = {}
    for row in rows:
        fig = out.get(row.player_id)
        if fig is None:
            fig = out[row.player_id] = _start(row)
        _fold(fig, row)
    return out


def profile_row(figures: Figures) -> dict[str, object]:
    """The profile as {service field name: value}, in PROFILE_FIELDS order."""
    return {name: getattr(figures, name) for name in PROFILE_FIELDS}
