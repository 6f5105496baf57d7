"""Segment reference graph: cycles, topological order, what a card change reaches."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segshared.rules import (
    Refs,
    RuleError,
    SegmentGraph,
    find_cycle,
    parse_segment_definition,
    topological_order,
)


def _refs(cards: set[int] | None = None, segments: set[int] | None = None) -> Refs:
    return Refs(cards=frozenset(cards or ()), segments=frozenset(segments or ()))


def test_find_cycle() -> None:
    assert find_cycle({1: [2], 2: [3], 3: []}) is None
    assert find_cycle({}) is None
    assert find_cycle({1: [2], 2: [3], 3: [1]}) == [1, 2, 3, 1]
    assert find_cycle({4: [4]}) == [4, 4]
    assert find_cycle({1: [2], 2: [5], 5: [6], 6: [5]}) == [5, 6, 5]
    assert find_cycle({1: [9]}) is None  # a reference to a segment with no entry


def test_topological_order_puts_referenced_segments_first() -> None:
    assert topological_order({1: [2, 3], 2: [3], 3: []}) == [3, 2, 1]
    assert topological_order({5: [], 1: [7]}) == [5, 7, 1]  # 7 only referenced; ties by id
    with pytest.raises(RuleError) as caught:
        topological_order({1: [2], 2: [1]})
    assert caught.value.message == "segment 1 -> 2 -> 1 is a cycle"


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=80))
def test_topological_order_respects_every_edge_of_random_dags(pairs: list[tuple[int, int]]) -> None:
    graph: dict[int, set[int]] = {}
    for a, b in pairs:
        if a != b:  # orient every edge from the larger id to the smaller: acyclic
            graph.setdefault(max(a, b), set()).add(min(a, b))
    assert find_cycle(graph) is None
    order = topological_order(graph)
    nodes = set(graph) | {r for refs in graph.values() for r in refs}
    assert sorted(order) == sorted(nodes)
    position = {node: i for i, node in enumerate(order)}
    assert all(position[ref] < position[node] for node, refs in graph.items() for ref in refs)


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=40))
def test_a_found_cycle_is_a_real_cycle(pairs: list[tuple[int, int]]) -> None:
    graph: dict[int, set[int]] = {}
    for a, b in pairs:
        graph.setdefault(a, set()).add(b)
    cycle = find_cycle(graph)
    if cycle is None:
        topological_order(graph)  # no cycle: an order exists
        return
    assert cycle[0] == cycle[-1]
    assert len(set(cycle[:-1])) == len(cycle) - 1
    assert all(b in graph.get(a, ()) for a, b in pairwise(cycle))
    with pytest.raises(RuleError):
        topological_order(graph)


GRAPH = SegmentGraph(
    {
        1: _refs({1, 2}),
        2: _refs({3}, {1}),
        3: _refs(segments={2}),
        4: _refs({9}),
        5: _refs({2}, {4}),
    }
)


@pytest.mark.parametrize(
    ("cards", "segments"),
    [
        ([1], [1, 2, 3]),
        ([3], [2, 3]),
        ([9], [4, 5]),
        ([2], [1, 5, 2, 3]),
        ([42], []),
        ([3, 9], [4, 2, 3, 5]),
    ],
)
def test_affected_by_cards(cards: list[int], segments: list[int]) -> None:
    affected = GRAPH.affected_by_cards(cards)
    assert sorted(affected) == sorted(segments)
    _assert_topological(affected)


def _assert_topological(ids: list[int]) -> None:
    for i, seg in enumerate(ids):
        refs = GRAPH.refs(seg)
        assert refs is not None
        assert not (refs.segments & set(ids[i + 1 :])), ids  # nothing it references comes later


def test_dependents_of_segments() -> None:
    assert GRAPH.dependents_of_segments([1]) == [2, 3]
    assert GRAPH.dependents_of_segments([4]) == [5]
    assert GRAPH.dependents_of_segments([3, 5]) == []
    assert GRAPH.dependents_of_segments([1, 2]) == [3]
    assert GRAPH.segments() == [1, 2, 3, 4, 5]


def test_check_acyclic_with_names_the_cycle() -> None:
    GRAPH.check_acyclic_with(6, _refs(segments={3, 5}))  # a new segment on top: fine
    GRAPH.check_acyclic_with(3, _refs({1}))  # replacing references: fine
    with pytest.raises(RuleError) as caught:
        GRAPH.check_acyclic_with(1, _refs(segments={3}))
    assert str(caught.value) == "definition: segment 1 -> 3 -> 2 -> 1 is a cycle"
    with pytest.raises(RuleError, match="segment 4 -> 4 is a cycle"):
        GRAPH.check_acyclic_with(4, _refs(segments={4}))


def test_check_acyclic_with_a_definition_names_the_offending_node() -> None:
    defn = parse_segment_definition(
        {"include": {"and": [{"card": 1}, {"or": [{"segment": 4}, {"segment": 2}]}]}}
    )
    with pytest.raises(RuleError) as caught:
        GRAPH.check_acyclic_with(1, defn)
    assert (caught.value.path, caught.value.message) == (
        "include.and[1].or[1]",
        "segment 1 -> 2 -> 1 is a cycle",
    )


def test_with_definition_and_without() -> None:
    grown = GRAPH.with_definition(6, _refs({7}, {5}))
    assert grown.affected_by_cards([7]) == [6]
    assert grown.affected_by_cards([9]) == [4, 5, 6]
    assert GRAPH.affected_by_cards([7]) == []  # the original is unchanged
    with pytest.raises(RuleError):
        GRAPH.with_definition(2, _refs(segments={3}))
    assert GRAPH.without(2).affected_by_cards([1]) == [1]
    with pytest.raises(RuleError, match="segment 1 -> 2 -> 1"):
        SegmentGraph({1: _refs(segments={2}), 2: _refs(segments={1})})
