"""Meaning checks of card rules: every refusal names the node to fix."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from segshared.rules import RuleError, parse_card_rule, validate_card_rule


def _metric(fn: str, event: str, prop: str | None = None, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"fn": fn, "event": event, **extra}
    if prop is not None:
        doc["property"] = prop
    return doc


def _refusal(doc: Any, **limits: Any) -> RuleError:
    rule = parse_card_rule(doc)
    with pytest.raises(RuleError) as caught:
        validate_card_rule(rule, **limits)
    return caught.value


VALID = [
    {"field": "net_result", "op": "lt", "value": -1000},
    {"field": "email_opt_in", "op": "eq", "value": True},
    {"field": "email_opt_in", "op": "in", "value": [True]},
    {"field": "country", "op": "not_in", "value": ["DE", "AT"]},
    {"field": "email", "op": "empty"},
    {"field": "last_bet_at", "op": "lte", "value": "2024-01-31T00:00:00Z"},
    {
        "field": "last_bet_at",
        "op": "between",
        "value": [{"ago": 30, "unit": "days"}, {"ago": 7, "unit": "days"}],
    },
    {"field": "last_bet_at", "op": "between", "value": ["2024-01-01", "2024-02-01T00:00:00+01:00"]},
    {"field": "last_bet_at", "op": "between", "value": ["2024-01-01", {"ago": 1, "unit": "days"}]},
    {"field": "bets_count", "op": "between", "value": [10, 10]},
    {"field": "attributes.tier", "op": "eq", "value": 3},
    {"field": "attributes.tier", "op": "gte", "value": 3},
    {"field": "attributes.vip", "op": "eq", "value": True},
    {"field": "attributes.joined", "op": "lt", "value": {"ago": 1, "unit": "days"}},
    {
        "metric": _metric("count", "player_logged_in", window={"last": 90, "unit": "days"}),
        "op": "gte",
        "value": 1,
    },
    {"metric": _metric("sum", "bet_won", "bonus"), "op": "gte", "value": 100},
    {"metric": _metric("max", "bet_won", "multiplier"), "op": "gte", "value": 50},
    {"metric": _metric("last", "deposit_made"), "op": "lt", "value": {"ago": 14, "unit": "days"}},
    {"metric": _metric("first", "bet_lost", "amount"), "op": "gt", "value": 0},
    {"metric": _metric("min", "withdrawal_made", "amount"), "op": "not_exists"},
]


@pytest.mark.parametrize("doc", VALID)
def test_valid_rules_pass(doc: dict[str, Any]) -> None:
    validate_card_rule(parse_card_rule({"all": [doc]}))


BAD = [
    # unknown names
    ({"field": "contry", "op": "eq", "value": "DE"}, "rule.field", "did you mean 'country'"),
    ({"field": "attributes.Bad", "op": "eq", "value": "x"}, "rule.field", "unknown field"),
    (
        {"metric": _metric("count", "bet_win"), "op": "gte", "value": 1},
        "rule.metric.event",
        "did you mean 'bet_won'",
    ),
    (
        {"metric": _metric("sum", "bet_placed", "stake"), "op": "gte", "value": 1},
        "rule.metric.property",
        "no property 'stake'",
    ),
    # fn / property mismatches
    (
        {"metric": _metric("count", "bet_placed", "amount"), "op": "gte", "value": 1},
        "rule.metric.property",
        "count takes no property",
    ),
    (
        {"metric": _metric("sum", "bet_placed"), "op": "gte", "value": 1},
        "rule.metric.property",
        "sum needs a numeric property of bet_placed: one of amount",
    ),
    (
        {"metric": _metric("max", "bet_placed", "occurred_at"), "op": "gte", "value": 1},
        "rule.metric.property",
        "max needs a numeric",
    ),
    (
        {"metric": _metric("sum", "player_logged_in"), "op": "gte", "value": 1},
        "rule.metric.property",
        "use count",
    ),
    # windows
    (
        {
            "metric": _metric("count", "bet_placed", window={"last": 91, "unit": "days"}),
            "op": "gte",
            "value": 1,
        },
        "rule.metric.window",
        "91 days exceeds the maximum 90 days",
    ),
    # operators against types
    (
        {"field": "email_opt_in", "op": "lt", "value": 1},
        "rule.op",
        "lt does not apply to field email_opt_in (boolean)",
    ),
    (
        {"field": "email_opt_in", "op": "between", "value": [False, True]},
        "rule.op",
        "between does not apply",
    ),
    (
        {"field": "country", "op": "gt", "value": "DE"},
        "rule.op",
        "gt does not apply to field country (text)",
    ),
    ({"field": "email_opt_in", "op": "eq", "value": "yes"}, "rule.value", "use true or false"),
    ({"field": "net_result", "op": "lt", "value": "-1000"}, "rule.value", "use a number"),
    ({"field": "net_result", "op": "lt", "value": True}, "rule.value", "use a number"),
    ({"field": "country", "op": "eq", "value": 49}, "rule.value", "use a string"),
    ({"field": "last_bet_at", "op": "gt", "value": "last week"}, "rule.value", "ISO 8601"),
    ({"field": "last_bet_at", "op": "gt", "value": 5}, "rule.value", "ISO 8601"),
    (
        {"field": "last_bet_at", "op": "in", "value": [{"ago": 1, "unit": "days"}]},
        "rule.value[0]",
        "ISO 8601",
    ),
    (
        {"field": "bets_count", "op": "eq", "value": {"ago": 1, "unit": "days"}},
        "rule.value",
        "use a number",
    ),
    (
        {"metric": _metric("count", "bet_placed"), "op": "gte", "value": "1"},
        "rule.value",
        "count of bet_placed is integer",
    ),
    (
        {"field": "attributes.tier", "op": "gt", "value": "gold"},
        "rule.value",
        "field attributes.tier is text",
    ),
    # value shape per operator
    ({"field": "email", "op": "exists", "value": True}, "rule.value", "exists takes no value"),
    ({"field": "country", "op": "eq"}, "rule.value", "eq needs a value"),
    ({"field": "country", "op": "in", "value": "DE"}, "rule.value", "in needs a non-empty list"),
    ({"field": "country", "op": "not_in", "value": []}, "rule.value", "non-empty list"),
    ({"field": "country", "op": "in", "value": ["DE", 4]}, "rule.value[1]", "use a string"),
    ({"field": "country", "op": "eq", "value": ["DE"]}, "rule.value", "not a list"),
    ({"field": "bets_count", "op": "between", "value": 5}, "rule.value", "[low, high]"),
    ({"field": "bets_count", "op": "between", "value": [1, 2, 3]}, "rule.value", "[low, high]"),
    (
        {"field": "bets_count", "op": "between", "value": [10, 5]},
        "rule.value",
        "low <= high, not [10, 5]",
    ),
    ({"field": "bets_count", "op": "between", "value": [1, "x"]}, "rule.value[1]", "use a number"),
    (
        {"field": "last_bet_at", "op": "between", "value": ["2024-02-01", "2024-01-01"]},
        "rule.value",
        "low <= high",
    ),
    (
        {
            "field": "last_bet_at",
            "op": "between",
            "value": [{"ago": 1, "unit": "days"}, {"ago": 2, "unit": "days"}],
        },
        "rule.value",
        "low <= high",
    ),
    (
        {"field": "attributes.x", "op": "between", "value": [1, "2024-01-01"]},
        "rule.value",
        "must both be numbers or both be times",
    ),
]


@pytest.mark.parametrize(("doc", "path", "fragment"), BAD)
def test_meaning_errors_name_the_path(doc: dict[str, Any], path: str, fragment: str) -> None:
    err = _refusal(doc)
    assert (err.path, fragment in err.message) == (path, True), err


def test_error_paths_inside_groups() -> None:
    doc = {
        "all": [
            {"field": "country", "op": "eq", "value": "DE"},
            {
                "any": [
                    {"field": "bets_count", "op": "gte", "value": 1},
                    {
                        "metric": _metric(
                            "count", "bet_placed", window={"last": 100, "unit": "days"}
                        ),
                        "op": "gte",
                        "value": 1,
                    },
                ]
            },
        ]
    }
    assert _refusal(doc).path == "rule.all[1].any[1].metric.window"


def test_empty_groups_are_refused() -> None:
    assert _refusal({"all": []}).path == "rule"
    err = _refusal({"any": [{"field": "country", "op": "exists"}, {"all": []}]})
    assert (err.path, err.message) == ("rule.any[1]", "an all group needs at least one rule")


def _nested(depth: int) -> dict[str, Any]:
    doc: dict[str, Any] = {"field": "country", "op": "exists"}
    for _ in range(depth - 1):
        doc = {"all": [doc]}
    return doc


def test_depth_limit() -> None:
    validate_card_rule(parse_card_rule(_nested(8)))  # a condition at depth 8 is allowed
    err = _refusal(_nested(9))
    assert err.path == "rule" + ".all[0]" * 8
    assert "more than 8 levels" in err.message
    validate_card_rule(parse_card_rule(_nested(9)), max_depth=9)
    assert _refusal(_nested(3), max_depth=2).path == "rule.all[0].all[0]"


def test_condition_limit_names_the_first_condition_over_it() -> None:
    conds = [{"field": "bets_count", "op": "gte", "value": i} for i in range(101)]
    validate_card_rule(parse_card_rule({"any": conds[:100]}))
    err = _refusal({"any": conds})
    assert (err.path, "at most 100 conditions" in err.message) == ("rule.any[100]", True)
    assert _refusal({"any": conds[:3]}, max_conditions=2).path == "rule.any[2]"


def test_window_limit_is_configurable() -> None:
    doc = {
        "metric": _metric("count", "bet_placed", window={"last": 2, "unit": "hours"}),
        "op": "gte",
        "value": 1,
    }
    validate_card_rule(parse_card_rule(doc), max_window=timedelta(hours=2))
    err = _refusal(doc, max_window=timedelta(minutes=90))
    assert err.message == "window 2 hours exceeds the maximum 90 minutes"


def test_list_length_limit() -> None:
    doc = {"field": "country", "op": "in", "value": ["DE"] * 4}
    assert _refusal(doc, max_list_items=3).message == "in takes at most 3 values"


def test_first_error_in_document_order_is_reported() -> None:
    doc = {
        "all": [
            {"field": "nope", "op": "eq", "value": 1},
            {"field": "country", "op": "lt", "value": 1},
        ]
    }
    assert _refusal(doc).path == "rule.all[0].field"
