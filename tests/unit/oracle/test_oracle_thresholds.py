"""Card thresholds at their exact boundaries, and segment algebra on hand-made card sets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.oracle.bets_oracle import Row, card_members, segment_members

pytestmark = pytest.mark.unit

T0 = datetime(2021, 12, 1, tzinfo=UTC)


def _bet(pid: str, n: int, stake: float, *, profit: float | None = None, mult: float = 2.0) -> Row:
    return Row(
        bet_id=n, game_id=n, player_id=pid, bet=stake,
        cashed_out=mult if profit is not None else None,
        bonus=0.0 if profit is not None else None,
        profit=profit, busted_at=mult + 1, played_at=T0 + timedelta(minutes=n),
    )  # fmt: skip


Spec = dict[str, list[tuple[float, float | None, float]]]


def _rows(spec: Spec) -> list[Row]:
    rows: list[Row] = []
    n = 0
    for pid, bets in spec.items():
        for stake, profit, mult in bets:
            n += 1
            rows.append(_bet(pid, n, stake, profit=profit, mult=mult))
    return rows


def test_count_and_stake_boundaries() -> None:
    spec: Spec = {
        "p20": [(1.0, None, 2.0)] * 20,  # 20 bets: frequent; 20 >= 10 and max 1 <= 10: regular
        "p19": [(1.0, None, 2.0)] * 19,  # 19 bets: not frequent, still a low-stakes regular
        "p10": [(10.0, None, 2.0)] * 10,  # exactly 10 bets of exactly 10: regular
        "p9": [(1.0, None, 2.0)] * 9,  # 9 bets: not a regular
        "big": [*[(10.0, None, 2.0)] * 9, (11.0, None, 2.0)],  # 10 bets but max 11: not regular
    }
    cards = card_members(_rows(spec), vip_ids=())
    assert cards["Frequent players"] == {"p20"}
    assert cards["Low-stakes regulars"] == {"p20", "p19", "p10"}
    assert cards["VIP list (uploaded)"] == set()


def test_money_boundaries() -> None:
    spec: Spec = {
        "lose1000": [(1000.0, None, 2.0)],  # net exactly -1000: "below -1,000" is strict -> OUT
        "lose1001": [(1001.0, None, 2.0)],  # net -1001: IN
        "won9999": [(1.0, 9999.0, 2.0)],  # total won 9999: not a big winner
        "won10000": [(1.0, 4000.0, 2.0), (1.0, 6000.0, 2.0)],  # 4000 + 6000: big winner
        "x49": [(1.0, 0.5, 49.99)],  # best multiplier below 50
        "x50": [(1.0, 49.0, 50.0)],  # cashed out at exactly 50: risk taker
        "stake99999": [(99_999.0, None, 2.0)],  # high roller, not a risk taker
        "stake100k": [(100_000.0, None, 2.0)],  # stake exactly 100,000: risk taker
    }
    cards = card_members(_rows(spec), vip_ids=())
    assert cards["Net losers"] == {"lose1001", "stake99999", "stake100k"}
    assert cards["Big winners"] == {"won10000"}
    assert cards["Risk takers"] == {"x50", "stake100k"}
    assert cards["High rollers"] == {"stake99999", "stake100k"}


def test_bonus_only_counts_won_bets_and_uses_stake_times_percent() -> None:
    won = Row(1, 1, "w", 400.0, 1.5, 25.0, 200.0, 2.0, T0)  # 400 * 25 / 100 = 100 -> hunter
    lost = Row(2, 2, "l", 1e6, None, 99.0, None, 1.0, T0)  # bonus cell on a lost bet is ignored
    cards = card_members([won, lost], vip_ids=())
    assert cards["Bonus hunters"] == {"w"}


def _cards(**members: set[str]) -> dict[str, set[str]]:
    names = {
        "high": "High rollers", "freq": "Frequent players", "losers": "Net losers",
        "big": "Big winners", "bonus": "Bonus hunters", "active": "Active in the last 24 hours",
        "inactive": "Inactive 7 days", "whales": "Weekly whales", "vip": "VIP list (uploaded)",
    }  # fmt: skip
    return {names[key]: members.get(key, set()) for key in names}


def test_segment_algebra_includes_excludes_and_references() -> None:
    cards = _cards(
        high={"h1", "h2", "h3"},
        inactive={"h1", "h2", "x"},  # VIPs at risk = {h1, h2}
        freq={"f1", "f2", "f3", "e1", "e2", "e3"},
        losers={"f1", "f2", "f3", "e3"},  # win-back = {f1, f2, f3, e3} - active {f2} = {f1, f3, e3}
        active={"f2", "h3", "w1", "a"},
        big={"e1", "e3", "z"},  # engaged = ({e1, e3, z} | {e2}) & freq - losers = {e1, e2}
        bonus={"e2"},
        whales={"w1", "w2"},  # hot = active & ({h1, h2, h3} | {w1, w2}) = {h3, w1}
        vip={"h2", "f3"},  # reactivation = {h1, h2} | {f1, f3, e3} minus {h2, f3}
    )
    assert segment_members(cards) == {
        "VIPs at risk": {"h1", "h2"},
        "Win-back: frequent losers": {"f1", "f3", "e3"},
        "Engaged winners": {"e1", "e2"},
        "Hot right now": {"h3", "w1"},
        "Reactivation campaign": {"h1", "f1", "e3"},
    }
