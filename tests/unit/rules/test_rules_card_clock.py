"""next_clock_change: when a rule can change with no new event, and never later than it does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from segshared.rules import (
    CLOCK_RESOLUTION,
    evaluate_card_rule,
    next_clock_change,
    parse_card_rule,
    validate_card_rule,
)
from tests.unit.rules.rules_facts import FakeFacts, at

MS = timedelta(milliseconds=1)


def _rule(doc: Any) -> Any:
    rule = parse_card_rule(doc)
    validate_card_rule(rule)
    return rule


def _count(
    minutes: int, op: str = "gte", value: int = 1, event: str = "bet_placed"
) -> dict[str, Any]:
    window = {"last": minutes, "unit": "minutes"}
    return {"metric": {"fn": "count", "event": event, "window": window}, "op": op, "value": value}


def _placed(*minutes: float) -> FakeFacts:
    return FakeFacts(events={"bet_placed": [(at(minutes=m), {"amount": 1.0}) for m in minutes]})


def test_oldest_event_in_the_window_leaving_is_the_next_change() -> None:
    facts = _placed(1, 4, 8)  # window of 5 minutes at clock 8 holds minutes 4 and 8
    assert next_clock_change(_rule(_count(5)), facts, at(minutes=8)) == at(minutes=9)
    # Exactly on the open bound: minute 4 has left at clock 9, minute 8 is the oldest inside.
    assert next_clock_change(_rule(_count(5)), facts, at(minutes=9)) == at(minutes=13)
    assert next_clock_change(_rule(_count(5)), facts, at(minutes=13)) is None


def test_an_event_newer_than_the_clock_enters_when_the_clock_reaches_it() -> None:
    facts = _placed(20)
    assert next_clock_change(_rule(_count(5)), facts, at(minutes=8)) == at(minutes=20)


def test_derived_kinds_use_their_own_event_times() -> None:
    facts = FakeFacts(
        events={
            "bet_won": [(at(minutes=2), {"amount": 5.0})],
            "bet_placed": [(at(minutes=1), {"amount": 1.0})],
        }
    )
    rule = _rule(_count(60, event="bet_won"))
    assert next_clock_change(rule, facts, at(minutes=3)) == at(minutes=62)


def test_relative_time_boundary_and_the_tick_after_it() -> None:
    facts = FakeFacts({"last_bet_at": at(minutes=0)})
    rule = _rule({"field": "last_bet_at", "op": "gte", "value": {"ago": 10, "unit": "minutes"}})
    assert next_clock_change(rule, facts, at(minutes=3)) == at(minutes=10)
    # True at the boundary itself, false one tick later: the tick is the next change.
    assert evaluate_card_rule(rule, facts, at(minutes=10)) is True
    assert next_clock_change(rule, facts, at(minutes=10)) == at(minutes=10) + CLOCK_RESOLUTION
    assert evaluate_card_rule(rule, facts, at(minutes=10) + CLOCK_RESOLUTION) is False
    assert next_clock_change(rule, facts, at(minutes=11)) is None


def test_relative_time_on_a_metric_value_and_between() -> None:
    facts = FakeFacts(events={"deposit_made": [(at(minutes=0), {"amount": 5.0})]})
    last = {"fn": "last", "event": "deposit_made"}
    rule = _rule(
        {
            "metric": last,
            "op": "between",
            "value": [{"ago": 30, "unit": "minutes"}, {"ago": 7, "unit": "minutes"}],
        }
    )
    assert next_clock_change(rule, facts, at(minutes=1)) == at(minutes=7)
    assert next_clock_change(rule, facts, at(minutes=8)) == at(minutes=30)


def test_rules_without_clock_dependence_and_players_without_values() -> None:
    assert (
        next_clock_change(
            _rule({"field": "bets_count", "op": "gte", "value": 1}), _placed(1), at(5)
        )
        is None
    )
    no_bets = _rule({"field": "last_bet_at", "op": "lt", "value": {"ago": 1, "unit": "days"}})
    assert next_clock_change(no_bets, FakeFacts(), at(5)) is None
    assert next_clock_change(_rule(_count(5)), FakeFacts(), at(5)) is None


def test_the_earliest_candidate_over_all_conditions_wins() -> None:
    facts = FakeFacts({"last_login_at": at(minutes=0)}, {"bet_placed": [(at(minutes=2), {})]})
    rule = _rule(
        {
            "any": [
                _count(30),  # minute 2 leaves at 32
                {
                    "field": "last_login_at",
                    "op": "lt",
                    "value": {"ago": 20, "unit": "minutes"},
                },  # 20
            ]
        }
    )
    assert next_clock_change(rule, facts, at(minutes=5)) == at(minutes=20)


# --- property: following next_clock_change from any clock sees every change -------------------

_ops = st.sampled_from(["eq", "ne", "lt", "lte", "gt", "gte"])
_window_rules = st.builds(
    lambda w, op, k: _count(w, op, k), st.integers(1, 4), _ops, st.integers(0, 3)
)
_sum_rules = st.builds(
    lambda w, k: {
        "metric": {
            "fn": "sum",
            "event": "bet_placed",
            "property": "amount",
            "window": {"last": w, "unit": "minutes"},
        },
        "op": "gte",
        "value": k,
    },
    st.integers(1, 4),
    st.integers(1, 6),
)
_relative_rules = st.builds(
    lambda subject, op, n: {**subject, "op": op, "value": {"ago": n, "unit": "minutes"}},
    st.sampled_from(
        [
            {"field": "last_bet_at"},
            {"metric": {"fn": "first", "event": "bet_placed"}},
            {
                "metric": {
                    "fn": "last",
                    "event": "bet_placed",
                    "window": {"last": 3, "unit": "minutes"},
                }
            },
        ]
    ),
    _ops,
    st.integers(0, 4),
)
_leaves = st.one_of(_window_rules, _sum_rules, _relative_rules)
_rules = st.one_of(
    _leaves,
    st.builds(
        lambda kind, rs: {kind: rs},
        st.sampled_from(["all", "any"]),
        st.lists(_leaves, min_size=1, max_size=3),
    ),
)


class _Timeline(FakeFacts):
    """Facts whose last_bet_at field is derived from the events, as card-svc keeps it."""

    def field(self, name: str) -> Any:
        times = self.event_times("bet_placed")
        return times[-1] if name == "last_bet_at" and times else None


@settings(max_examples=60, deadline=None)
@given(
    doc=_rules,
    seconds=st.lists(st.integers(0, 600), max_size=6),
    amounts=st.lists(st.integers(1, 3), min_size=6, max_size=6),
    start=st.integers(0, 600),
)
def test_following_the_schedule_misses_no_change(
    doc: dict[str, Any], seconds: list[int], amounts: list[int], start: int
) -> None:
    rule = _rule(doc)
    facts = _Timeline(
        events={
            "bet_placed": [
                (at(s), {"amount": float(a)}) for s, a in zip(seconds, amounts, strict=False)
            ]
        }
    )
    # Every boundary sits on a whole second or one tick after it, so these points see every
    # distinct truth value the millisecond clock can observe.
    end = at(start) + timedelta(minutes=12)
    points = [at(start + k) + d for k in range(0, 12 * 60 + 1) for d in (timedelta(0), MS)]

    def truth(moment: datetime) -> bool:
        return evaluate_card_rule(rule, facts, moment)

    clock = at(start)
    while clock < end:
        nxt = next_clock_change(rule, facts, clock)
        assert nxt is None or nxt > clock
        stop = end if nxt is None else min(nxt, end)
        now = truth(clock)
        changed = [p for p in points if clock < p < stop and truth(p) != now]
        assert not changed, (clock, nxt, changed[:1])
        if nxt is None:
            break
        clock = nxt
