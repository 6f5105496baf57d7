"""The catalogue's lookups: affected segments, rebuild order, upstream revisions."""

from __future__ import annotations

from typing import Any

from segment_svc.domain.catalogue import Catalogue, SegmentSpec
from segshared.rules import parse_segment_definition


def _spec(sid: int, include: dict[str, Any], revision: int = 1) -> SegmentSpec:
    return SegmentSpec.of(sid, revision, parse_segment_definition({"include": include}))


CATALOGUE = Catalogue(
    [
        _spec(1, {"card": 1}, revision=3),
        _spec(2, {"and": [{"card": 2}, {"segment": 1}]}, revision=2),
        _spec(3, {"or": [{"segment": 2}, {"card": 3}]}),
        _spec(4, {"card": 4}),
    ]
)


def test_affected_by_a_card_includes_segments_reading_through_segments() -> None:
    assert [s.segment_id for s in CATALOGUE.affected(frozenset({1}))] == [1, 2, 3]
    assert [s.segment_id for s in CATALOGUE.affected(frozenset({4}))] == [4]
    assert CATALOGUE.affected(frozenset({99})) == ()


def test_rebuild_order_adds_dependents_after_what_they_read() -> None:
    assert CATALOGUE.rebuild_order([2]) == [2, 3]
    assert CATALOGUE.rebuild_order([3, 1]) == [1, 2, 3]
    assert CATALOGUE.rebuild_order([42]) == []


def test_upstream_and_direct_dependents() -> None:
    assert CATALOGUE.upstream(3) == [(1, 3), (2, 2)]
    assert CATALOGUE.upstream(1) == []
    assert CATALOGUE.direct_dependents(1) == [2]
    assert CATALOGUE.direct_dependents(3) == []
