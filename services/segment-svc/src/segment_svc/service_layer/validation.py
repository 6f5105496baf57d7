"""Checking a segment definition: shape, limits, references that exist, no cycles."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from segshared.rules import (
    Refs,
    RuleError,
    SegmentDefinition,
    SegmentGraph,
    parse_segment_definition,
    reference_paths,
    references,
    validate_segment_definition,
)


class CardCatalogue(Protocol):
    async def existing(self, card_ids: Collection[int]) -> set[int]:
        """The subset of ``card_ids`` that exist (raises when card-svc cannot be asked)."""


class DefinitionErrors(ValueError):
    """Several problems of one definition, each naming its node (HTTP 422)."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 8
    max_nodes: int = 200


def parse_definition(
    include: Any, exclude: Any, *, limits: Limits, segment_id: int | None = None
) -> SegmentDefinition:
    """The checked model of ``{"include": ..., "exclude": ...}`` (RuleError names the node)."""
    doc: dict[str, Any] = {"include": include}
    if exclude is not None:
        doc["exclude"] = exclude
    defn = parse_segment_definition(doc)
    validate_segment_definition(
        defn, max_depth=limits.max_depth, max_nodes=limits.max_nodes, segment_id=segment_id
    )
    return defn


def _unknown(defn: SegmentDefinition, kind: str, known: Collection[int]) -> list[RuleError]:
    return [
        RuleError(path, f"{kind} {ref_id} does not exist")
        for path, ref_kind, ref_id in reference_paths(defn)
        if ref_kind == kind and ref_id not in known
    ]


async def check_cards(defn: SegmentDefinition, *, cards: CardCatalogue) -> None:
    """Every referenced card exists in card-svc, else DefinitionErrors naming each node."""
    wanted = references(defn).cards
    if not wanted:
        return
    errors = _unknown(defn, "card", await cards.existing(wanted))
    if errors:
        raise DefinitionErrors(errors)


def check_segments(
    defn: SegmentDefinition,
    *,
    segment_refs: Mapping[int, Collection[int]],
    segment_id: int | None,
) -> None:
    """Referenced segments exist and, for a saved segment, no reference cycle closes.

    ``segment_refs`` holds every stored segment's referenced segment ids.
    """
    errors = _unknown(defn, "segment", segment_refs.keys())
    if errors:
        raise DefinitionErrors(errors)
    if segment_id is None:
        return  # an unsaved definition cannot be referenced, so cannot close a cycle
    graph = SegmentGraph(
        {sid: Refs(segments=frozenset(refs)) for sid, refs in segment_refs.items()}
    )
    graph.check_acyclic_with(segment_id, defn)
