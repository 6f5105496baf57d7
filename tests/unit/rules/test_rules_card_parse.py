"""Parsing card rule documents: the model built, and each structural error with its path."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from segshared.rules import (
    FieldCondition,
    Group,
    Metric,
    MetricCondition,
    RelativeTime,
    RuleError,
    card_rule_to_doc,
    parse_card_rule,
)


def test_parses_the_documented_examples_into_the_model() -> None:
    rule = parse_card_rule(
        {
            "all": [
                {"field": "net_result", "op": "lt", "value": -1000},
                {
                    "metric": {"fn": "max", "event": "bet_placed", "property": "amount"},
                    "op": "gte",
                    "value": 10000,
                },
                {
                    "any": [
                        {
                            "metric": {
                                "fn": "count",
                                "event": "bet_placed",
                                "window": {"last": 24, "unit": "hours"},
                            },
                            "op": "gte",
                            "value": 1,
                        },
                        {"field": "last_bet_at", "op": "gte", "value": {"ago": 7, "unit": "days"}},
                        {"field": "country", "op": "in", "value": ["DE", "AT"]},
                        {"field": "email", "op": "not_empty"},
                    ]
                },
            ]
        }
    )
    assert rule == Group(
        "all",
        (
            FieldCondition("net_result", "lt", -1000),
            MetricCondition(Metric("max", "bet_placed", "amount"), "gte", 10000),
            Group(
                "any",
                (
                    MetricCondition(
                        Metric("count", "bet_placed", None, timedelta(hours=24)), "gte", 1
                    ),
                    FieldCondition("last_bet_at", "gte", RelativeTime(7, "days")),
                    FieldCondition("country", "in", ("DE", "AT")),
                    FieldCondition("email", "not_empty", None),
                ),
            ),
        ),
    )


def test_first_and_last_default_to_occurred_at() -> None:
    rule = parse_card_rule({"metric": {"fn": "last", "event": "deposit_made"}, "op": "exists"})
    assert rule == MetricCondition(Metric("last", "deposit_made", "occurred_at"), "exists")


def test_to_doc_round_trips() -> None:
    doc = {
        "any": [
            {
                "metric": {
                    "fn": "sum",
                    "event": "bet_won",
                    "property": "bonus",
                    "window": {"last": 90, "unit": "minutes"},
                },
                "op": "between",
                "value": [1, 2.5],
            },
            {"field": "last_login_at", "op": "lt", "value": {"ago": 3, "unit": "hours"}},
            {"field": "attributes.tier", "op": "eq", "value": "gold"},
        ]
    }
    assert card_rule_to_doc(parse_card_rule(doc)) == doc
    # Windows are written in the largest whole unit.
    day = {
        "metric": {"fn": "count", "event": "bet_placed", "window": {"last": 48, "unit": "hours"}},
        "op": "gte",
        "value": 1,
    }
    assert card_rule_to_doc(parse_card_rule(day))["metric"]["window"] == {"last": 2, "unit": "days"}


COND = {"field": "country", "op": "eq", "value": "DE"}


@pytest.mark.parametrize(
    ("doc", "path", "fragment"),
    [
        ("all", "rule", "must be an object"),
        ({}, "rule", "exactly one of all, any, field, metric"),
        ({"all": [], "any": []}, "rule", "found all and any"),
        ({"all": {}}, "rule.all", "list of rules"),
        ({"all": [COND, 3]}, "rule.all[1]", "must be an object"),
        ({"all": [COND], "extra": 1}, "rule.extra", "unknown key"),
        ({"field": "country", "op": "eq", "value": "DE", "unit": 1}, "rule.unit", "unknown key"),
        ({"field": "", "op": "eq", "value": 1}, "rule.field", "field name"),
        ({"field": 3, "op": "eq", "value": 1}, "rule.field", "field name"),
        ({"field": "country", "value": 1}, "rule.op", "op must be one of"),
        ({"field": "country", "op": "like", "value": 1}, "rule.op", "got 'like'"),
        ({"field": "country", "op": "eq", "value": None}, "rule.value", "not_exists"),
        ({"field": "country", "op": "in", "value": ["DE", None]}, "rule.value[1]", "null"),
        ({"field": "country", "op": "in", "value": [["DE"]]}, "rule.value[0]", "do not nest"),
        ({"field": "country", "op": "eq", "value": {"x": 1}}, "rule.value.x", "unknown key"),
        (
            {"field": "last_bet_at", "op": "lt", "value": {"ago": -1, "unit": "days"}},
            "rule.value.ago",
            ">= 0",
        ),
        (
            {"field": "last_bet_at", "op": "lt", "value": {"ago": 1.5, "unit": "days"}},
            "rule.value.ago",
            "whole number",
        ),
        (
            {"field": "last_bet_at", "op": "lt", "value": {"ago": True, "unit": "days"}},
            "rule.value.ago",
            "whole number",
        ),
        (
            {"field": "last_bet_at", "op": "lt", "value": {"ago": 1, "unit": "weeks"}},
            "rule.value.unit",
            "minutes, hours, days",
        ),
        (
            {"field": "last_bet_at", "op": "lt", "value": {"ago": 10**6, "unit": "days"}},
            "rule.value.ago",
            "at most 36500 days",
        ),
        ({"field": "net_result", "op": "lt", "value": float("nan")}, "rule.value", "finite"),
        ({"metric": "count", "op": "gte", "value": 1}, "rule.metric", "must be an object"),
        (
            {"metric": {"fn": "avg", "event": "bet_placed"}, "op": "gte", "value": 1},
            "rule.metric.fn",
            "count, sum, min, max, first, last",
        ),
        ({"metric": {"fn": "count"}, "op": "gte", "value": 1}, "rule.metric.event", "event name"),
        (
            {
                "metric": {"fn": "sum", "event": "bet_placed", "property": 1},
                "op": "gte",
                "value": 1,
            },
            "rule.metric.property",
            "property name",
        ),
        (
            {"metric": {"fn": "count", "event": "bet_placed", "per": 1}, "op": "gte", "value": 1},
            "rule.metric.per",
            "unknown key",
        ),
        (
            {
                "all": [
                    COND,
                    {
                        "any": [
                            COND,
                            {
                                "metric": {
                                    "fn": "count",
                                    "event": "bet_placed",
                                    "window": {"last": 0, "unit": "days"},
                                },
                                "op": "gte",
                                "value": 1,
                            },
                        ]
                    },
                ]
            },
            "rule.all[1].any[1].metric.window.last",
            ">= 1",
        ),
        (
            {
                "metric": {"fn": "count", "event": "bet_placed", "window": 7},
                "op": "gte",
                "value": 1,
            },
            "rule.metric.window",
            '{"last": N',
        ),
        (
            {
                "metric": {"fn": "count", "event": "bet_placed", "window": {"last": 7}},
                "op": "gte",
                "value": 1,
            },
            "rule.metric.window.unit",
            "unit must be",
        ),
    ],
)
def test_structural_errors_name_the_path(doc: Any, path: str, fragment: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_card_rule(doc)
    assert caught.value.path == path
    assert fragment in caught.value.message
    assert str(caught.value) == f"{path}: {caught.value.message}"


def test_absurd_nesting_is_refused_without_exhausting_the_stack() -> None:
    doc: Any = COND
    for _ in range(5000):
        doc = {"all": [doc]}
    with pytest.raises(RuleError, match="nest deeper"):
        parse_card_rule(doc)


def test_rule_error_is_a_value_error_with_a_422_body() -> None:
    err = RuleError("rule.all[0].field", "unknown field 'x'")
    assert isinstance(err, ValueError)
    assert err.to_dict() == {"path": "rule.all[0].field", "message": "unknown field 'x'"}
