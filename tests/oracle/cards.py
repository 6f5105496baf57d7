"""Default card memberships, each straight from its sentence in docs/default-catalog.md."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .figures import Figures, player_figures
from .rows import REPO_ROOT, Row
from .rows import clock as stream_clock

DEFAULT_VIP_PATH = REPO_ROOT / "data" / "vip-list.csv"

HIGH_ROLLERS = "High rollers"
FREQUENT_PLAYERS = "Frequent players"
NET_LOSERS = "Net losers"
BIG_WINNERS = "Big winners"
BONUS_HUNTERS = "Bonus hunters"
ACTIVE_24H = "Active in the last 24 hours"
INACTIVE_7D = "Inactive 7 days"
WEEKLY_WHALES = "Weekly whales"
LOW_STAKES_REGULARS = "Low-stakes regulars"
RISK_TAKERS = "Risk takers"
VIP_LIST = "VIP list (uploaded)"

CARD_NAMES: tuple[str, ...] = (
    HIGH_ROLLERS,
    FREQUENT_PLAYERS,
    NET_LOSERS,
    BIG_WINNERS,
    BONUS_HUNTERS,
    ACTIVE_24H,
    INACTIVE_7D,
    WEEKLY_WHALES,
    LOW_STAKES_REGULARS,
    RISK_TAKERS,
    VIP_LIST,
)


def load_vip_ids(path: str | Path = DEFAULT_VIP_PATH) -> frozenset[str]:
    """Player ids of the uploaded VIP CSV (header player_id), blanks skipped."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return frozenset(
            rec["player_id"].strip() for rec in csv.DictReader(handle) if rec["player_id"].strip()
        )


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _window_stakes(rows: Iterable[Row], *, since: datetime) -> dict[str, float]:
    # Strict lower bound: a bet exactly N units before the clock is outside the window.
    stakes: dict[str, float] = {}
    for row in rows:
        if row.played_at > since:
            stakes[row.player_id] = stakes.get(row.player_id, 0.0) + row.bet
    return stakes


def _where(figs: dict[str, Figures], keep: Callable[[Figures], bool]) -> set[str]:
    return {pid for pid, fig in figs.items() if keep(fig)}


def card_members(
    rows: list[Row],
    *,
    clock: datetime | None = None,
    vip_ids: Iterable[str] | None = None,
) -> dict[str, set[str]]:
    """Members of each default card as of `clock` (default: newest played_at)."""
    now = stream_clock(rows) if clock is None else _as_utc(clock)
    seen = [row for row in rows if row.played_at <= now]
    figs = player_figures(seen)
    day_ago = now - timedelta(hours=24)
    week_ago = now - timedelta(days=7)
    week_stakes = _window_stakes(seen, since=week_ago)
    vips = load_vip_ids() if vip_ids is None else frozenset(vip_ids)
    return {
        HIGH_ROLLERS: _where(figs, lambda f: f.biggest_bet >= 10_000),
        FREQUENT_PLAYERS: _where(figs, lambda f: f.bets_count >= 20),
        NET_LOSERS: _where(figs, lambda f: f.net_result < -1_000),
        BIG_WINNERS: _where(figs, lambda f: f.total_won >= 10_000),
        BONUS_HUNTERS: _where(figs, lambda f: f.total_bonus >= 100),
        ACTIVE_24H: _where(figs, lambda f: f.last_bet_at > day_ago),
        # Having a figure at all means "at least one bet in all".
        INACTIVE_7D: _where(figs, lambda f: f.last_bet_at <= week_ago),
        WEEKLY_WHALES: {pid for pid, total in week_stakes.items() if total >= 10_000},
        LOW_STAKES_REGULARS: _where(figs, lambda f: f.bets_count >= 10 and f.biggest_bet <= 10),
        RISK_TAKERS: _where(
            figs,
            lambda f: (
                f.biggest_bet >= 100_000
                or (f.best_multiplier is not None and f.best_multiplier >= 50)
            ),
        ),
        # A static upload: its members are the listed ids whether or not they ever bet.
        VIP_LIST: set(vips),
    }
