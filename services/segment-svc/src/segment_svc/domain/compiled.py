"""Segment definitions compiled to closures for the per-player hot path.

``evaluate_segment`` of the rule model walks the tree with ``isinstance`` checks at every
node; a worker evaluates tens of segments per card change, so each definition is turned once
into closures with the same meaning (a unit test holds them to ``evaluate_segment``). A group's
card and segment leaves become one set operation each (``<=`` for and, ``isdisjoint`` for or).
"""

from __future__ import annotations

from collections.abc import Callable, Set

from segshared.rules import And, CardRef, Node, Or, SegmentDefinition, SegmentRef

#: ``member(cards, segments)``: the player's card ids, and their segment ids as far as this
#: evaluation has decided them.
Member = Callable[[Set[int], Set[int]], bool]


def compile_definition(defn: SegmentDefinition) -> Member:
    """A predicate equal to ``evaluate_segment(defn, ...)`` for one player."""
    include = _node(defn.include)
    if defn.exclude is None:
        return include
    exclude = _node(defn.exclude)
    return lambda c, s: include(c, s) and not exclude(c, s)


def _node(node: Node) -> Member:
    if isinstance(node, CardRef):
        card_id = node.card_id
        return lambda c, s: card_id in c
    if isinstance(node, SegmentRef):
        segment_id = node.segment_id
        return lambda c, s: segment_id in s
    cards = frozenset(n.card_id for n in node.children if isinstance(n, CardRef))
    segments = frozenset(n.segment_id for n in node.children if isinstance(n, SegmentRef))
    groups = [_node(n) for n in node.children if isinstance(n, And | Or)]
    parts: list[Member] = []
    if isinstance(node, And):
        if cards:
            parts.append(lambda c, s: cards <= c)
        if segments:
            parts.append(lambda c, s: segments <= s)
        return _all(parts + groups)
    if cards:
        parts.append(lambda c, s: not cards.isdisjoint(c))
    if segments:
        parts.append(lambda c, s: not segments.isdisjoint(s))
    return _any(parts + groups)


def _all(parts: list[Member]) -> Member:
    if not parts:
        return lambda c, s: True  # an empty and holds, as all() of nothing does
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda c, s: first(c, s) and second(c, s)

    def every(c: Set[int], s: Set[int]) -> bool:
        for part in parts:  # noqa: SIM110 - a plain loop beats all() over a generator here
            if not part(c, s):
                return False
        return True

    return every


def _any(parts: list[Member]) -> Member:
    if not parts:
        return lambda c, s: False  # an empty or fails, as any() of nothing does
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda c, s: first(c, s) or second(c, s)

    def some(c: Set[int], s: Set[int]) -> bool:
        for part in parts:  # noqa: SIM110 - a plain loop beats any() over a generator here
            if part(c, s):
                return True
        return False

    return some
