"""Evaluating card rules for one player; expected truths are worked out by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from segshared.rules import (
    Metric,
    evaluate_card_rule,
    parse_card_rule,
    rule_dependencies,
    validate_card_rule,
)
from tests.unit.rules.rules_facts import BASE, FakeFacts, at

CLOCK = at(0)


def holds(doc: Any, facts: FakeFacts, clock: Any = CLOCK) -> bool:
    rule = parse_card_rule(doc)
    validate_card_rule(rule)
    return evaluate_card_rule(rule, facts, clock)


def field_rule(name: str, op: str, value: Any = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"field": name, "op": op}
    if value is not None:
        doc["value"] = value
    return doc


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", 1, False),
        ("ne", 1, True),
        ("lt", 1, False),
        ("lte", 1, False),
        ("gt", 1, False),
        ("gte", 1, False),
        ("between", [0, 9], False),
        ("in", [1, 2], False),
        ("not_in", [1, 2], True),
        ("exists", None, False),
        ("not_exists", None, True),
        ("empty", None, True),
        ("not_empty", None, False),
    ],
)
def test_a_missing_value(op: str, value: Any, expected: bool) -> None:
    assert holds(field_rule("biggest_win", op, value), FakeFacts()) is expected


@pytest.mark.parametrize(
    ("op", "expected"),
    [("exists", True), ("not_exists", False), ("empty", True), ("not_empty", False)],
)
def test_an_empty_string(op: str, expected: bool) -> None:
    assert holds(field_rule("email", op), FakeFacts({"email": ""})) is expected
    assert holds(field_rule("email", op), FakeFacts({"email": "a@b.c"})) is (
        op in ("exists", "not_empty")
    )


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", 100, True),
        ("ne", 100, False),
        ("gte", 100, True),
        ("gt", 100, False),
        ("lte", 100, True),
        ("lt", 100.5, True),
        ("lt", 99.9, False),
        ("between", [100, 200], True),
        ("between", [0, 100], True),
        ("between", [100.0001, 200], False),
        ("in", [5, 100], True),
        ("not_in", [5, 100], False),
    ],
)
def test_numbers_compare_numerically(op: str, value: Any, expected: bool) -> None:
    assert (
        holds(field_rule("total_wagered", op, value), FakeFacts({"total_wagered": 100.0}))
        is expected
    )


LAST_BET = at(days=-3)  # 2023-12-29T00:00:00Z


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("gte", {"ago": 7, "unit": "days"}, True),
        ("gte", {"ago": 3, "unit": "days"}, True),  # equal instants
        ("gt", {"ago": 3, "unit": "days"}, False),
        ("lt", {"ago": 71, "unit": "hours"}, True),
        ("lt", {"ago": 4321, "unit": "minutes"}, False),
        ("lt", "2024-01-01T00:00:00Z", True),
        ("eq", "2023-12-29T00:00:00+00:00", True),
        ("eq", "2023-12-29T01:00:00+01:00", True),
        ("ne", "2023-12-29T00:00:01Z", True),
        ("between", ["2023-12-01", "2023-12-29"], True),  # inclusive high end, date = midnight
        ("between", [{"ago": 10, "unit": "days"}, {"ago": 4, "unit": "days"}], False),
        ("between", [{"ago": 3, "unit": "days"}, "2024-01-01"], True),
        ("in", ["2023-12-29T00:00:00Z"], True),
    ],
)
def test_times_against_iso_strings_and_relative_times(op: str, value: Any, expected: bool) -> None:
    facts = FakeFacts({"last_bet_at": LAST_BET})
    assert holds(field_rule("last_bet_at", op, value), facts) is expected


def test_relative_times_follow_the_clock() -> None:
    facts = FakeFacts({"last_bet_at": LAST_BET})
    rule = field_rule("last_bet_at", "gte", {"ago": 7, "unit": "days"})
    assert holds(rule, facts, clock=LAST_BET + timedelta(days=7)) is True
    assert holds(rule, facts, clock=LAST_BET + timedelta(days=7, microseconds=1)) is False


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (field_rule("email_opt_in", "eq", True), True),
        (field_rule("email_opt_in", "ne", False), True),
        (field_rule("email_opt_in", "in", [False]), False),
        (field_rule("email_opt_in", "not_in", [False]), True),
        (field_rule("country", "in", ["AT", "DE"]), True),
        (field_rule("country", "eq", "de"), False),
        (field_rule("country", "not_in", ["DE"]), False),
        (field_rule("attributes.tier", "eq", 3), True),
        (field_rule("attributes.tier", "gte", 2.5), True),
        (field_rule("attributes.tier", "lt", 3), False),
        (field_rule("attributes.tier", "eq", "3"), True),
        (field_rule("attributes.level", "gte", 3), False),  # "gold" is not a number
        (field_rule("attributes.level", "ne", 3), True),
        (field_rule("attributes.vip", "eq", True), True),
        (field_rule("attributes.joined", "lt", {"ago": 1, "unit": "days"}), True),
        (field_rule("attributes.joined", "gt", "2023-06-01T00:00:00Z"), True),
    ],
)
def test_booleans_text_and_custom_attributes(doc: dict[str, Any], expected: bool) -> None:
    facts = FakeFacts(
        {
            "email_opt_in": True,
            "country": "DE",
            "attributes.tier": "3",
            "attributes.level": "gold",
            "attributes.vip": "true",
            "attributes.joined": "2023-12-01T00:00:00Z",
        }
    )
    assert holds(doc, facts) is expected


def _bets(*pairs: tuple[float, float]) -> FakeFacts:
    # (hours before CLOCK, stake)
    placed = [(CLOCK - timedelta(hours=h), {"amount": a}) for h, a in pairs]
    return FakeFacts(events={"bet_placed": placed})


def _metric_rule(
    fn: str, op: str, value: Any, prop: str | None = None, hours: int | None = None
) -> Any:
    metric: dict[str, Any] = {"fn": fn, "event": "bet_placed"}
    if prop:
        metric["property"] = prop
    if hours:
        metric["window"] = {"last": hours, "unit": "hours"}
    return {"metric": metric, "op": op, "value": value}


def test_window_bounds_exclude_the_oldest_instant_and_include_the_clock() -> None:
    facts = _bets((24, 1000), (23.999, 10), (0, 5), (30, 7))
    assert holds(_metric_rule("count", "eq", 2, hours=24), facts)  # 23.999h and 0h
    assert holds(_metric_rule("sum", "eq", 15, "amount", hours=24), facts)
    assert holds(_metric_rule("max", "eq", 10, "amount", hours=24), facts)
    assert holds(_metric_rule("count", "eq", 4), facts)  # all time
    assert holds(_metric_rule("max", "eq", 1000, "amount"), facts)
    assert holds(_metric_rule("first", "eq", 7, "amount"), facts)
    assert holds(_metric_rule("last", "eq", "2024-01-01T00:00:00Z"), facts)


@pytest.mark.parametrize(
    ("fn", "prop", "op", "value", "expected"),
    [
        ("count", None, "eq", 0, True),
        ("sum", "amount", "eq", 0, True),
        ("max", "amount", "exists", None, False),
        ("max", "amount", "not_exists", None, True),
        ("min", "amount", "lt", 5, False),
        ("last", None, "ne", "2024-01-01T00:00:00Z", True),
    ],
)
def test_metrics_over_no_events(
    fn: str, prop: str | None, op: str, value: Any, expected: bool
) -> None:
    doc = _metric_rule(fn, op, value, prop, hours=1)
    if value is None:
        del doc["value"]
    assert holds(doc, _bets((2, 50))) is expected  # the one bet is outside the 1h window


def test_groups() -> None:
    facts = FakeFacts({"bets_count": 25, "net_result": -500.0})
    frequent = field_rule("bets_count", "gte", 20)
    loser = field_rule("net_result", "lt", -1000)
    assert holds({"all": [frequent, loser]}, facts) is False
    assert holds({"any": [frequent, loser]}, facts) is True
    assert holds({"any": [loser, {"all": [frequent, {"any": [loser]}]}]}, facts) is False


def test_dependencies_name_source_events_fields_windows() -> None:
    rule = parse_card_rule(
        {
            "all": [
                field_rule("net_result", "lt", -1000),
                field_rule("country", "eq", "DE"),
                field_rule("attributes.tier", "exists"),
                {
                    "metric": {
                        "fn": "count",
                        "event": "bet_won",
                        "window": {"last": 7, "unit": "days"},
                    },
                    "op": "gte",
                    "value": 1,
                },
                {
                    "metric": {"fn": "sum", "event": "deposit_made", "property": "amount"},
                    "op": "gte",
                    "value": 1,
                },
            ]
        }
    )
    deps = rule_dependencies(rule)
    assert deps.events == {"bet_settled", "player_registered", "profile_updated", "deposit_made"}
    assert deps.fields == {"net_result", "country", "attributes.tier"}
    assert deps.windows == {("bet_won", timedelta(days=7))}
    assert deps.metrics == {
        Metric("count", "bet_won", None, timedelta(days=7)),
        Metric("sum", "deposit_made", "amount"),
    }
    assert (deps.relative_time, deps.clock_dependent) == (False, True)


def test_dependencies_of_relative_time_and_plain_rules() -> None:
    relative = rule_dependencies(
        parse_card_rule(field_rule("last_login_at", "lt", {"ago": 1, "unit": "days"}))
    )
    assert (relative.events, relative.relative_time, relative.clock_dependent) == (
        frozenset({"player_logged_in"}),
        True,
        True,
    )
    plain = rule_dependencies(parse_card_rule(field_rule("bets_count", "gte", 20)))
    assert (plain.events, plain.windows, plain.clock_dependent) == (
        frozenset({"bet_placed"}),
        frozenset(),
        False,
    )


def test_base_is_midnight_utc() -> None:
    assert BASE.isoformat() == "2024-01-01T00:00:00+00:00"
