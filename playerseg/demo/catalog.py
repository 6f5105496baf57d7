"""The default cards and segments of the embedded default (docs/default-catalog.md).

Rules are card-svc rule JSON (docs/rule-language.md). Segment definitions name cards and
segments (``{"card": "High rollers"}``); seeding resolves the names to the ids the APIs return.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

REPO_ROOT = Path(__file__).resolve().parents[2]
VIP_LIST_PATH = REPO_ROOT / "data" / "vip-list.csv"

HOURS_24 = {"last": 24, "unit": "hours"}
DAYS_7 = {"last": 7, "unit": "days"}


def _metric(fn: str, event: str, prop: str | None = None, window: Any = None) -> dict[str, Any]:
    metric: dict[str, Any] = {"fn": fn, "event": event}
    if prop is not None:
        metric["property"] = prop
    if window is not None:
        metric["window"] = window
    return metric


BIGGEST_STAKE = _metric("max", "bet_placed", "amount")
BETS = _metric("count", "bet_placed")

#: (name, description, rule); the rule None marks the uploaded VIP list.
CARDS: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    ("High rollers", "Biggest single stake is at least 10,000",
     {"metric": BIGGEST_STAKE, "op": "gte", "value": 10000}),
    ("Frequent players", "At least 20 bets in all",
     {"metric": BETS, "op": "gte", "value": 20}),
    ("Net losers", "Net result below -1,000",
     {"field": "net_result", "op": "lt", "value": -1000}),
    ("Big winners", "Total profit of won bets at least 10,000",
     {"metric": _metric("sum", "bet_won", "amount"), "op": "gte", "value": 10000}),
    ("Bonus hunters", "Total bonus received at least 100",
     {"metric": _metric("sum", "bet_won", "bonus"), "op": "gte", "value": 100}),
    ("Active in the last 24 hours", "At least one bet in the 24 hours before the clock",
     {"metric": _metric("count", "bet_placed", window=HOURS_24), "op": "gte", "value": 1}),
    ("Inactive 7 days", "At least one bet in all, and none in the 7 days before the clock",
     {"all": [
         {"metric": BETS, "op": "gte", "value": 1},
         {"metric": _metric("count", "bet_placed", window=DAYS_7), "op": "eq", "value": 0},
     ]}),
    ("Weekly whales", "Stakes of the 7 days before the clock sum to at least 10,000",
     {"metric": _metric("sum", "bet_placed", "amount", DAYS_7), "op": "gte", "value": 10000}),
    ("Low-stakes regulars", "At least 10 bets and biggest stake at most 10",
     {"all": [
         {"metric": BETS, "op": "gte", "value": 10},
         {"metric": BIGGEST_STAKE, "op": "lte", "value": 10},
     ]}),
    ("Risk takers", "Biggest stake at least 100,000 or a win cashed out at 50x or more",
     {"any": [
         {"metric": BIGGEST_STAKE, "op": "gte", "value": 100000},
         {"metric": _metric("max", "bet_won", "multiplier"), "op": "gte", "value": 50},
     ]}),
    ("VIP list (uploaded)", "The static list of player ids in data/vip-list.csv", None),
)  # fmt: skip


def card(name: str) -> dict[str, str]:
    return {"card": name}


def segment(name: str) -> dict[str, str]:
    return {"segment": name}


#: (name, description, include, exclude) with cards and segments referenced by name.
SEGMENTS: tuple[tuple[str, str, dict[str, Any], dict[str, Any] | None], ...] = (
    ("VIPs at risk", "High rollers who have not bet for 7 days",
     {"and": [card("High rollers"), card("Inactive 7 days")]}, None),
    ("Win-back: frequent losers", "Frequent net losers not active in the last 24 hours",
     {"and": [card("Frequent players"), card("Net losers")]},
     {"or": [card("Active in the last 24 hours")]}),
    ("Engaged winners", "Frequent big winners or bonus hunters who are not net losers",
     {"and": [{"or": [card("Big winners"), card("Bonus hunters")]}, card("Frequent players")]},
     {"or": [card("Net losers")]}),
    ("Hot right now", "Active in the last 24 hours and high rollers or weekly whales",
     {"and": [card("Active in the last 24 hours"),
              {"or": [card("High rollers"), card("Weekly whales")]}]}, None),
    ("Reactivation campaign", "VIPs at risk or frequent losers to win back, minus the VIP list",
     {"or": [segment("VIPs at risk"), segment("Win-back: frequent losers")]},
     {"or": [card("VIP list (uploaded)")]}),
)  # fmt: skip


class IdLookup(Protocol):
    """Names (or positions) to ids: a dict, a list, ..."""

    def __getitem__(self, key: Any, /) -> int: ...


def resolve(node: Any, cards: IdLookup, segments: IdLookup) -> Any:
    """A definition with card and segment references (names, positions) replaced by ids."""
    if isinstance(node, dict):
        if "card" in node:
            return {"card": cards[node["card"]]}
        if "segment" in node:
            return {"segment": segments[node["segment"]]}
        return {k: resolve(v, cards, segments) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, cards, segments) for v in node]
    return node
