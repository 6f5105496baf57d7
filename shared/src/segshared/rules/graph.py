"""The segment reference graph: cycles, evaluation order, and what a card change reaches."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping

from segshared.rules.errors import RuleError
from segshared.rules.segment_check import Refs, reference_paths, references
from segshared.rules.segment_model import SegmentDefinition


def find_cycle(graph: Mapping[int, Iterable[int]]) -> list[int] | None:
    """A cycle of `graph` (segment -> referenced segments) as [a, b, ..., a], or None."""
    adj = {node: sorted(set(refs)) for node, refs in graph.items()}
    done: set[int] = set()
    for start in sorted(adj):
        if start in done:
            continue
        path, on_path = [start], {start}
        pending = [iter(adj[start])]
        while pending:  # iterative DFS: definitions can chain deeper than the recursion limit
            nxt = next(pending[-1], None)
            if nxt is None:
                pending.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
            elif nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                pending.append(iter(adj.get(nxt, ())))
    return None


def cycle_text(cycle: list[int]) -> str:
    """`segment 3 -> 5 -> 3 is a cycle`."""
    return f"segment {' -> '.join(map(str, cycle))} is a cycle"


def topological_order(graph: Mapping[int, Iterable[int]]) -> list[int]:
    """Every node, referenced before referencing (ties by id); RuleError on a cycle."""
    needs = {node: set(refs) for node, refs in graph.items()}
    for refs in list(needs.values()):
        for ref in refs:
            needs.setdefault(ref, set())
    users: dict[int, list[int]] = {node: [] for node in needs}
    for node, refs in needs.items():
        for ref in refs:
            users[ref].append(node)
    waiting = {node: len(refs) for node, refs in needs.items()}
    ready = [node for node, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for user in users[node]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, user)
    if len(order) < len(needs):
        raise RuleError("segments", cycle_text(find_cycle(needs) or []))
    return order


class SegmentGraph:
    """Segment id -> its direct references, indexed for the per-event lookups of segment-svc."""

    def __init__(self, definitions: Mapping[int, Refs]) -> None:
        self._refs = dict(definitions)
        order = topological_order({s: r.segments for s, r in self._refs.items()})
        self._rank = {s: i for i, s in enumerate(order)}
        self._by_card: dict[int, set[int]] = {}
        self._users: dict[int, set[int]] = {}
        for seg, refs in self._refs.items():
            for card in refs.cards:
                self._by_card.setdefault(card, set()).add(seg)
            for ref in refs.segments:
                self._users.setdefault(ref, set()).add(seg)

    def refs(self, segment_id: int) -> Refs | None:
        """Direct references of a segment, None if unknown."""
        return self._refs.get(segment_id)

    def segments(self) -> list[int]:
        """Every known segment in topological order."""
        return self._ordered(self._refs)

    def affected_by_cards(self, card_ids: Iterable[int]) -> list[int]:
        """Segments referencing any of the cards directly or through segments, referenced first."""
        direct = {seg for card in card_ids for seg in self._by_card.get(card, ())}
        return self._ordered(self._reach(direct) | direct)

    def dependents_of_segments(self, segment_ids: Iterable[int]) -> list[int]:
        """Segments referencing any of these, transitively, referenced first (not these)."""
        start = set(segment_ids)
        return self._ordered(self._reach(start) - start)

    def check_acyclic_with(self, segment_id: int, refs: Refs | SegmentDefinition) -> None:
        """Raise RuleError if giving `segment_id` these references would close a cycle."""
        new = references(refs) if isinstance(refs, SegmentDefinition) else refs
        best: list[int] | None = None
        for first in sorted(new.segments):
            trail = self._path(first, segment_id)
            if trail is not None and (best is None or len(trail) < len(best)):
                best = trail
        if best is None:
            return
        path = "definition"
        if isinstance(refs, SegmentDefinition):
            path = next(
                p for p, kind, i in reference_paths(refs) if kind == "segment" and i == best[0]
            )
        raise RuleError(path, cycle_text([segment_id, *best]))

    def with_definition(self, segment_id: int, refs: Refs) -> SegmentGraph:
        """A graph with `segment_id` added or replaced (RuleError if that closes a cycle)."""
        self.check_acyclic_with(segment_id, refs)
        return SegmentGraph({**self._refs, segment_id: refs})

    def without(self, segment_id: int) -> SegmentGraph:
        """A graph with `segment_id` removed."""
        return SegmentGraph({s: r for s, r in self._refs.items() if s != segment_id})

    def _reach(self, start: set[int]) -> set[int]:
        seen: set[int] = set()
        queue = deque(start)
        while queue:
            for user in self._users.get(queue.popleft(), ()):
                if user not in seen:
                    seen.add(user)
                    queue.append(user)
        return seen

    def _path(self, source: int, target: int) -> list[int] | None:
        # Shortest reference path source -> ... -> target over the current definitions.
        parent: dict[int, int | None] = {source: None}
        queue = deque([source])
        while queue:
            node = queue.popleft()
            if node == target:
                trail = [node]
                while (prev := parent[trail[-1]]) is not None:
                    trail.append(prev)
                return trail[::-1]
            refs = self._refs.get(node)
            for nxt in sorted(refs.segments) if refs is not None else ():
                if nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        return None

    def _ordered(self, ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=lambda s: (self._rank.get(s, -1), s))
