"""Metrics over all time and over windows, as the rule engine reads them."""

from __future__ import annotations

from datetime import timedelta

from card_svc_events import HORIZON_MS, at, placed, settled

from card_svc.domain.facts import StateFacts
from card_svc.domain.state import PlayerState

DAY = timedelta(days=1)


def facts() -> StateFacts:
    state = PlayerState("p1")
    for e in (
        placed(1, 10, at(days=1)),
        settled(1, at(days=1), won=True, amount=5, stake=10, multiplier=1.5, bonus=1),
        placed(2, 40, at(days=2)),
        settled(2, at(days=2), won=False, amount=40, stake=40),
        placed(3, 20, at(days=3)),
        settled(3, at(days=3), won=True, amount=60, stake=20, multiplier=4.0),
    ):
        state.apply(e, horizon_ms=HORIZON_MS)
    return StateFacts(state)


def test_all_time_metrics() -> None:
    f, clock = facts(), at(days=3)
    assert f.metric("count", "bet_placed", None, None, clock) == 3
    assert f.metric("sum", "bet_placed", "amount", None, clock) == 70
    assert f.metric("max", "bet_won", "multiplier", None, clock) == 4.0
    assert f.metric("sum", "bet_won", "bonus", None, clock) == 1
    assert f.metric("count", "bet_lost", None, None, clock) == 1
    assert f.metric("first", "bet_placed", "amount", None, clock) == 10
    assert f.metric("last", "bet_placed", None, None, clock) == at(days=3)
    assert f.metric("min", "bet_won", "occurred_at", None, clock) == at(days=1)
    assert f.metric("count", "deposit_made", None, None, clock) == 0
    assert f.metric("sum", "deposit_made", "amount", None, clock) == 0
    assert f.metric("max", "deposit_made", "amount", None, clock) is None


def test_window_metrics_exclude_the_lower_bound() -> None:
    f, clock = facts(), at(days=3)
    # (clock - 2 days, clock] holds days 2 and 3, not day 1 (exactly 2 days before).
    assert f.metric("count", "bet_placed", None, 2 * DAY, clock) == 2
    assert f.metric("sum", "bet_placed", "amount", 2 * DAY, clock) == 60
    assert f.metric("sum", "bet_won", "amount", 2 * DAY, clock) == 60
    assert f.metric("first", "bet_placed", None, 2 * DAY, clock) == at(days=2)
    assert f.metric("count", "bet_placed", None, DAY, at(days=10)) == 0
    assert f.metric("sum", "bet_placed", "amount", DAY, at(days=10)) == 0
    assert f.metric("max", "bet_placed", "amount", DAY, at(days=10)) is None


def test_event_times_follow_the_metric_kind() -> None:
    f = facts()
    assert list(f.event_times("bet_won")) == [at(days=1), at(days=3)]
    assert list(f.event_times("bet_lost")) == [at(days=2)]
    assert list(f.event_times("player_logged_in")) == []
