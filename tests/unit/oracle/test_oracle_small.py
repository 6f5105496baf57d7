"""Oracle on a hand-written 8-row file (3 players); every expected value is worked out by hand."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.oracle.bets_oracle import (
    CARD_NAMES,
    PROFILE_FIELDS,
    SEGMENT_NAMES,
    card_members,
    clock,
    load_bets,
    player_figures,
    profile_row,
    segment_members,
)

pytestmark = pytest.mark.unit

A, B, C = "100001", "100002", "100003"
VIPS = {C, "999999"}  # 999999 never bets: a static upload keeps it anyway.

# Clock = newest played_at = 2021-12-10T20:00:00Z;
# 24h before it = 12-09T20:00, 7 days before it = 12-03T20:00.
# Rows are deliberately out of order: load_bets sorts by (played_at, bet_id as int), so 16 < 100.
SMALL_CSV = """\
bet_id,game_id,player_id,bet,cashed_out,bonus,profit,busted_at,played_at
100,105,100003,1,,,,1.8,2021-12-10T20:00:00Z
16,105,100003,7,1.5,0,3.5,1.8,2021-12-10T20:00:00Z
9,100,100001,10000,,,,75,2021-12-01T10:00:00Z
10,100,100002,200,60,50,11800,75,2021-12-01T10:00:00Z
11,101,100001,3000,2,1,3000,2.5,2021-12-03T20:00:00Z
12,102,100002,6000,,,,1.1,2021-12-05T12:00:00Z
13,103,100002,4000,,,,1.2,2021-12-09T20:00:00Z
14,104,100003,5,,,,1.01,2021-12-10T08:00:00Z
"""


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(params=["bets.csv", "bets.csv.gz"])
def small_path(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    name: str = request.param
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(SMALL_CSV.encode("utf-8")))
    else:
        path.write_text(SMALL_CSV, encoding="utf-8")
    return path


def test_load_sorts_by_time_then_integer_bet_id(small_path: Path) -> None:
    rows = load_bets(small_path)
    assert [r.bet_id for r in rows] == [9, 10, 11, 12, 13, 14, 16, 100]
    assert rows[0].played_at == _utc("2021-12-01T10:00:00")
    assert rows[0].cashed_out is None and rows[0].profit is None and not rows[0].won
    assert rows[6].bonus == 0.0 and rows[6].won  # "0" is a value, not an absent cell
    assert clock(rows) == _utc("2021-12-10T20:00:00")


def test_player_figures_by_hand(small_path: Path) -> None:
    figs = player_figures(load_bets(small_path))
    assert set(figs) == {A, B, C}
    # A: lost 10000, won 3000 at x2 with bonus 1% -> net 3000 - 10000 = -7000, bonus 30.
    assert profile_row(figs[A]) == {
        "player_id": A, "bets_count": 2, "total_wagered": 13000.0, "biggest_bet": 10000.0,
        "first_bet_at": _utc("2021-12-01T10:00:00"), "last_bet_at": _utc("2021-12-03T20:00:00"),
        "wins_count": 1, "losses_count": 1, "total_won": 3000.0, "total_lost": 10000.0,
        "net_result": -7000.0, "biggest_win": 3000.0, "best_multiplier": 2.0, "total_bonus": 30.0,
    }  # fmt: skip
    # B: won 11800 at x60 with bonus 50% of 200 = 100; lost 6000 + 4000 -> net 1800.
    assert profile_row(figs[B]) == {
        "player_id": B, "bets_count": 3, "total_wagered": 10200.0, "biggest_bet": 6000.0,
        "first_bet_at": _utc("2021-12-01T10:00:00"), "last_bet_at": _utc("2021-12-09T20:00:00"),
        "wins_count": 1, "losses_count": 2, "total_won": 11800.0, "total_lost": 10000.0,
        "net_result": 1800.0, "biggest_win": 11800.0, "best_multiplier": 60.0,
        "total_bonus": 100.0,
    }  # fmt: skip
    # C: lost 5 and 1, won 3.5 at x1.5 with bonus 0% -> net 3.5 - 6 = -2.5, bonus 0.
    assert profile_row(figs[C]) == {
        "player_id": C, "bets_count": 3, "total_wagered": 13.0, "biggest_bet": 7.0,
        "first_bet_at": _utc("2021-12-10T08:00:00"), "last_bet_at": _utc("2021-12-10T20:00:00"),
        "wins_count": 1, "losses_count": 2, "total_won": 3.5, "total_lost": 6.0,
        "net_result": -2.5, "biggest_win": 3.5, "best_multiplier": 1.5, "total_bonus": 0.0,
    }  # fmt: skip
    assert tuple(profile_row(figs[A])) == PROFILE_FIELDS


def test_cards_and_segments_at_the_stream_clock(small_path: Path) -> None:
    cards = card_members(load_bets(small_path), vip_ids=VIPS)
    assert tuple(cards) == CARD_NAMES
    assert cards == {
        "High rollers": {A},  # A's 10000 meets "at least 10,000"; B's biggest is 6000
        "Frequent players": set(),  # nobody has 20 bets
        "Net losers": {A},  # -7000 < -1000; C's -2.5 is not
        "Big winners": {B},  # 11800 >= 10000
        "Bonus hunters": {B},  # exactly 100 is "at least 100"
        # B's last bet is exactly 24h before the clock: OUT. C bet at the clock.
        "Active in the last 24 hours": {C},
        # A's last bet is exactly 7d before the clock: outside the window, so inactive.
        "Inactive 7 days": {A},
        "Weekly whales": {B},  # 6000 + 4000 (the 24h-boundary bet is inside 7d) = 10000
        "Low-stakes regulars": set(),  # C stakes <= 10 but has only 3 bets
        "Risk takers": {B},  # cashed out at x60; nobody staked 100,000
        "VIP list (uploaded)": VIPS,
    }
    segments = segment_members(cards)
    assert tuple(segments) == SEGMENT_NAMES
    assert segments == {
        "VIPs at risk": {A},  # high roller and inactive 7 days
        "Win-back: frequent losers": set(),  # no frequent players
        "Engaged winners": set(),  # no frequent players
        "Hot right now": set(),  # the only active player (C) is neither high roller nor whale
        "Reactivation campaign": {A},  # A is not on the VIP list
    }


def test_earlier_clock_drops_later_rows_and_moves_windows(small_path: Path) -> None:
    # At 12-09T20:00 only rows up to and including that instant count: C has not bet yet.
    cards = card_members(load_bets(small_path), clock=_utc("2021-12-09T20:00:00"), vip_ids=VIPS)
    assert cards["Active in the last 24 hours"] == {B}  # B's bet is exactly at this clock: IN
    # A's 12-03T20:00 bet is inside (12-02T20:00, 12-09T20:00]: not inactive any more.
    assert cards["Inactive 7 days"] == set()
    assert cards["Weekly whales"] == {B}  # 6000 + 4000 again inside this window
    assert cards["Low-stakes regulars"] == set() and cards["Net losers"] == {A}
    assert segment_members(cards)["Hot right now"] == {B}
    assert segment_members(cards)["VIPs at risk"] == set()


def test_window_card_loses_a_player_when_only_the_clock_moves(small_path: Path) -> None:
    rows = load_bets(small_path)
    # C's last bet is 12-10T20:00. One second short of 24h later C is still active...
    before = card_members(rows, clock=_utc("2021-12-11T19:59:59"), vip_ids=VIPS)
    assert before["Active in the last 24 hours"] == {C}
    # ...exactly 24h later the bet sits on the excluded lower bound: C leaves, with no new event.
    after = card_members(rows, clock=_utc("2021-12-11T20:00:00"), vip_ids=VIPS)
    assert after["Active in the last 24 hours"] == set()
    # B's week: 12-05T12:00 leaves the 7-day window at 12-12T12:00, dropping B to 4000.
    later = card_members(rows, clock=_utc("2021-12-12T12:00:00"), vip_ids=VIPS)
    assert later["Weekly whales"] == set()


def test_naive_clock_is_read_as_utc(small_path: Path) -> None:
    rows = load_bets(small_path)
    naive = card_members(rows, clock=datetime(2021, 12, 9, 20, 0, 0), vip_ids=VIPS)
    assert naive == card_members(rows, clock=_utc("2021-12-09T20:00:00"), vip_ids=VIPS)
