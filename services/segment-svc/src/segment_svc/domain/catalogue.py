"""The worker's view of every segment: definitions, revisions and the reference graph."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from segment_svc.domain.compiled import Member, compile_definition
from segshared.rules import Refs, SegmentDefinition, SegmentGraph, references


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """One segment as the worker evaluates and builds it."""

    segment_id: int
    revision: int
    definition: SegmentDefinition
    refs: Refs
    member: Member
    #: Of the request behind the revision (logs of its builds carry it).
    correlation_id: str | None = None

    @classmethod
    def of(
        cls, segment_id: int, revision: int, definition: SegmentDefinition,
        correlation_id: str | None = None,
    ) -> SegmentSpec:  # fmt: skip
        refs = references(definition)
        return cls(segment_id, revision, definition, refs, compile_definition(definition),
                   correlation_id)  # fmt: skip


class Catalogue:
    """Immutable snapshot of the segment definitions, with cached per-card lookups."""

    def __init__(self, specs: Iterable[SegmentSpec] = ()) -> None:
        self.specs: dict[int, SegmentSpec] = {s.segment_id: s for s in specs}
        self.graph = SegmentGraph({sid: s.refs for sid, s in self.specs.items()})
        self._affected: dict[frozenset[int], tuple[SegmentSpec, ...]] = {}
        self._by_card: dict[int, tuple[SegmentSpec, ...]] = {}

    def revisions(self) -> dict[int, int]:
        return {sid: s.revision for sid, s in self.specs.items()}

    def affected(self, card_ids: frozenset[int]) -> tuple[SegmentSpec, ...]:
        """Segments a change of these cards can move, referenced ones first (cached: the
        same few card combinations recur on every batch)."""
        hit = self._affected.get(card_ids)
        if hit is None:
            hit = tuple(self.specs[s] for s in self.graph.affected_by_cards(card_ids))
            if len(self._affected) < 65_536:
                self._affected[card_ids] = hit
        return hit

    def affected_by_card(self, card_id: int) -> tuple[SegmentSpec, ...]:
        """Segments a change of one card can move (the per-event path asks this per event)."""
        hit = self._by_card.get(card_id)
        if hit is None:
            hit = self._by_card[card_id] = self.affected(frozenset((card_id,)))
        return hit

    def rebuild_order(self, stale: Collection[int]) -> list[int]:
        """``stale`` and every segment reading them, transitively, referenced ones first."""
        known = [s for s in stale if s in self.specs]
        wanted = set(known) | set(self.graph.dependents_of_segments(known))
        return [s for s in self.graph.segments() if s in wanted]

    def direct_dependents(self, segment_id: int) -> list[int]:
        """Segments whose definition references ``segment_id`` itself."""
        return sorted(s for s, spec in self.specs.items() if segment_id in spec.refs.segments)

    def upstream(self, segment_id: int) -> list[tuple[int, int]]:
        """``(id, revision)`` of every segment ``segment_id`` reads, transitively."""
        seen: set[int] = set()
        todo = list(self.specs[segment_id].refs.segments)
        while todo:
            sid = todo.pop()
            if sid in seen or sid not in self.specs:
                continue
            seen.add(sid)
            todo.extend(self.specs[sid].refs.segments)
        return sorted((sid, self.specs[sid].revision) for sid in seen)
