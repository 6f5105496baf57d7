"""Limits and references of a segment definition."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from segshared.rules.errors import RuleError
from segshared.rules.segment_model import (
    And,
    CardRef,
    Or,
    RefKind,
    SegmentDefinition,
    SegmentRef,
    walk,
)


@dataclass(frozen=True, slots=True)
class Refs:
    """The cards and segments a definition references directly."""

    cards: frozenset[int] = frozenset()
    segments: frozenset[int] = frozenset()


def validate_segment_definition(
    defn: SegmentDefinition,
    *,
    max_depth: int = 8,
    max_nodes: int = 200,
    known_cards: Container[int] | None = None,
    known_segments: Container[int] | None = None,
    segment_id: int | None = None,
) -> None:
    """Raise RuleError naming the first node over a limit, empty, or referencing nothing known."""
    # known_cards/known_segments (when given) are the ids that exist; segment_id is the
    # definition's own id. Longer cycles are SegmentGraph.check_acyclic_with's job.
    for count, (path, node, depth) in enumerate(walk(defn), start=1):
        if depth > max_depth:
            raise RuleError(path, f"nodes nest more than {max_depth} levels; flatten the groups")
        if count > max_nodes:
            raise RuleError(path, f"a definition may have at most {max_nodes} nodes")
        if isinstance(node, And | Or) and not node.children:
            kind = "an and" if isinstance(node, And) else "an or"
            raise RuleError(path, f"{kind} group needs at least one node")
        if (
            isinstance(node, CardRef)
            and known_cards is not None
            and node.card_id not in known_cards
        ):
            raise RuleError(path, f"card {node.card_id} does not exist")
        if isinstance(node, SegmentRef):
            if node.segment_id == segment_id:
                raise RuleError(path, f"segment {segment_id} cannot include itself")
            if known_segments is not None and node.segment_id not in known_segments:
                raise RuleError(path, f"segment {node.segment_id} does not exist")


def reference_paths(defn: SegmentDefinition) -> list[tuple[str, RefKind, int]]:
    """Every card/segment reference as (path, kind, id), in document order."""
    out: list[tuple[str, RefKind, int]] = []
    for path, node, _ in walk(defn):
        if isinstance(node, CardRef):
            out.append((path, "card", node.card_id))
        elif isinstance(node, SegmentRef):
            out.append((path, "segment", node.segment_id))
    return out


def references(defn: SegmentDefinition) -> Refs:
    """The ids a definition references directly."""
    paths = reference_paths(defn)
    return Refs(
        cards=frozenset(i for _, kind, i in paths if kind == "card"),
        segments=frozenset(i for _, kind, i in paths if kind == "segment"),
    )
