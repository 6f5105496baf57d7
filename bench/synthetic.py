"""Synthetic definitions and card.membership traffic, and a plain-Python evaluation of them.

Pure: no I/O. Nodes name cards and segments by their position (``{"card": 3}`` is the fourth
card created); `playerseg.demo.catalog.resolve` maps positions to the ids the APIs returned.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

Node = dict[str, Any]
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SegmentShape:
    include: Node
    exclude: Node | None


def _leaf(rng: random.Random, cards: int) -> Node:
    return {"card": rng.randrange(cards)}


def _part(rng: random.Random, cards: int) -> Node:
    if rng.random() < 0.7:
        return _leaf(rng, cards)
    return {"or": [_leaf(rng, cards) for _ in range(rng.randint(2, 3))]}


def segment_shapes(rng: random.Random, *, segments: int, cards: int) -> list[SegmentShape]:
    """Random definitions shaped like a CRM team's: mostly an AND of two or three cards or
    small OR groups, some an OR of two such ANDs, 40% with an exclude block, 20% reading an
    earlier segment (so references are acyclic by construction)."""
    shapes = []
    for i in range(segments):
        if rng.random() < 0.2:
            and_groups = [{"and": [_part(rng, cards) for _ in range(2)]} for _ in range(2)]
            include: Node = {"or": and_groups}
        else:
            include = {"and": [_part(rng, cards) for _ in range(rng.randint(2, 3))]}
        if i >= 5 and rng.random() < 0.2:
            next(iter(include.values())).append({"segment": rng.randrange(i)})
        exclude = None
        if rng.random() < 0.4:
            exclude = {"or": [_leaf(rng, cards) for _ in range(rng.randint(1, 2))]}
        shapes.append(SegmentShape(include, exclude))
    return shapes


def holds(node: Node, cards: frozenset[int], segments: Mapping[int, bool]) -> bool:
    """Whether a player with ``cards`` (and those segment memberships) matches ``node``."""
    if "card" in node:
        return node["card"] in cards
    if "segment" in node:
        return segments[node["segment"]]
    if "and" in node:
        return all(holds(child, cards, segments) for child in node["and"])
    return any(holds(child, cards, segments) for child in node["or"])


def memberships(
    definitions: Sequence[tuple[int, Node, Node | None]], cards: frozenset[int]
) -> dict[int, bool]:
    """Segment id -> membership of one player; ``definitions`` in creation (dependency) order."""
    out: dict[int, bool] = {}
    for segment_id, include, exclude in definitions:
        out[segment_id] = holds(include, cards, out) and not (
            exclude is not None and holds(exclude, cards, out)
        )
    return out


@dataclass(frozen=True)
class Change:
    """One CardMembershipChanged, as the JSON document a card-svc worker would emit."""

    player_id: str
    doc: dict[str, Any]


def card_changes(
    rng: random.Random, *, events: int, players: int, card_ids: Sequence[int]
) -> tuple[list[Change], dict[str, frozenset[int]]]:
    """``events`` changes, each flipping one card of a random player, with the player's whole
    card set after it; and every touched player's final card set.

    Each card is held by a share of the players drawn from 5-30% (a flip into the card is
    accepted with that probability, a flip out with its complement), as real cards are held
    by a minority rather than by half of everyone.
    """
    share = {card: rng.uniform(0.05, 0.3) for card in card_ids}
    held: dict[str, set[int]] = {}
    changes = []
    for seq in range(events):
        player = str(3_000_000 + rng.randrange(players))
        cards = held.setdefault(player, set())
        while True:
            card = rng.choice(card_ids)
            keep = share[card] if card not in cards else 1 - share[card]
            if rng.random() < keep:
                break
        change = "exited" if card in cards else "entered"
        (cards.discard if change == "exited" else cards.add)(card)
        when = (EPOCH + timedelta(milliseconds=seq)).isoformat().replace("+00:00", "Z")
        doc = {
            "event_id": f"card:{card}:{change}:bench:{seq}",
            "version": 1,
            "occurred_at": when,
            "type": "card_membership_changed",
            "player_id": player,
            "card_id": card,
            "change": change,
            "cards": sorted(cards),
            "cause": "event",
            "cause_event_id": f"bench:{seq}",
        }
        changes.append(Change(player, doc))
    return changes, {p: frozenset(c) for p, c in held.items()}


def expected_members(
    definitions: Sequence[tuple[int, Node, Node | None]], final: Mapping[str, frozenset[int]]
) -> dict[int, set[str]]:
    """Segment id -> members, from every player's final card set."""
    members: dict[int, set[str]] = {segment_id: set() for segment_id, _, _ in definitions}
    for player, cards in final.items():
        for segment_id, member in memberships(definitions, cards).items():
            if member:
                members[segment_id].add(player)
    return members
