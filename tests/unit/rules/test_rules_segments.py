"""Segment definitions: parsing, limits, references, and compiled set programs by example."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest

from segshared.rules import (
    And,
    CardRef,
    Or,
    Refs,
    RuleError,
    SegmentDefinition,
    SegmentRef,
    SetOp,
    compile_set_algebra,
    evaluate_segment,
    parse_segment_definition,
    reference_paths,
    references,
    segment_definition_to_doc,
    validate_segment_definition,
)

DOC_EXAMPLE = {
    "include": {"and": [{"card": 1}, {"or": [{"card": 4}, {"segment": 2}]}]},
    "exclude": {"or": [{"card": 7}]},
}


def test_parses_the_documented_example() -> None:
    defn = parse_segment_definition(DOC_EXAMPLE)
    assert defn == SegmentDefinition(
        include=And((CardRef(1), Or((CardRef(4), SegmentRef(2))))),
        exclude=Or((CardRef(7),)),
    )
    assert segment_definition_to_doc(defn) == DOC_EXAMPLE
    assert parse_segment_definition({"include": {"card": 3}, "exclude": None}).exclude is None


@pytest.mark.parametrize(
    ("doc", "path", "fragment"),
    [
        ([], "definition", "is an object"),
        ({"exclude": {"card": 1}}, "include", "include is required"),
        ({"include": {"card": 1}, "filter": 1}, "filter", "unknown key"),
        ({"include": {"card": 1, "segment": 2}}, "include", "exactly one of"),
        ({"include": {}}, "include", "exactly one of"),
        ({"include": {"not": [{"card": 1}]}}, "include.not", "unknown node"),
        ({"include": {"and": {"card": 1}}}, "include.and", "list of nodes"),
        (
            {"include": {"and": [{"card": 1}, {"or": [{"card": "4"}]}]}},
            "include.and[1].or[0].card",
            "positive integer",
        ),
        ({"include": {"card": 0}}, "include.card", "positive integer"),
        ({"include": {"card": True}}, "include.card", "positive integer"),
        (
            {"include": {"card": 1}, "exclude": {"or": [{"segment": -2}]}},
            "exclude.or[0].segment",
            "segment id",
        ),
    ],
)
def test_parse_errors_name_the_node(doc: Any, path: str, fragment: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_segment_definition(doc)
    assert (caught.value.path, fragment in caught.value.message) == (path, True), caught.value


def _refusal(doc: Any, **kwargs: Any) -> RuleError:
    defn = parse_segment_definition(doc)
    with pytest.raises(RuleError) as caught:
        validate_segment_definition(defn, **kwargs)
    return caught.value


def test_validation_of_empty_groups_and_unknown_references() -> None:
    err = _refusal({"include": {"and": [{"card": 1}, {"or": []}]}})
    assert (err.path, err.message) == ("include.and[1]", "an or group needs at least one node")
    assert _refusal({"include": {"card": 1}, "exclude": {"and": []}}).path == "exclude"
    err = _refusal(DOC_EXAMPLE, known_cards={1, 4})
    assert (err.path, err.message) == ("exclude.or[0]", "card 7 does not exist")
    err = _refusal(DOC_EXAMPLE, known_cards={1, 4, 7}, known_segments={3})
    assert (err.path, err.message) == ("include.and[1].or[1]", "segment 2 does not exist")
    err = _refusal(DOC_EXAMPLE, segment_id=2)
    assert (err.path, err.message) == ("include.and[1].or[1]", "segment 2 cannot include itself")
    validate_segment_definition(
        parse_segment_definition(DOC_EXAMPLE),
        known_cards={1, 4, 7},
        known_segments={2},
        segment_id=5,
    )


def _chain(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"card": 1}
    for _ in range(depth - 1):
        node = {"or": [node]}
    return {"include": node}


def test_depth_limit() -> None:
    validate_segment_definition(parse_segment_definition(_chain(8)))
    err = _refusal(_chain(9))
    assert err.path == "include" + ".or[0]" * 8
    assert "more than 8 levels" in err.message
    assert _refusal(_chain(3), max_depth=2).path == "include.or[0].or[0]"


def test_node_limit_counts_include_and_exclude() -> None:
    cards = [{"card": i} for i in range(1, 150)]  # 1 + 149 nodes in include
    doc = {"include": {"or": cards}, "exclude": {"or": cards[:49]}}  # 1 + 49 more: 200
    validate_segment_definition(parse_segment_definition(doc))
    doc["exclude"] = {"or": cards[:50]}
    err = _refusal(doc)
    assert (err.path, err.message) == ("exclude.or[49]", "a definition may have at most 200 nodes")


def test_references_and_their_paths() -> None:
    defn = parse_segment_definition(DOC_EXAMPLE)
    assert references(defn) == Refs(cards=frozenset({1, 4, 7}), segments=frozenset({2}))
    assert reference_paths(defn) == [
        ("include.and[0]", "card", 1),
        ("include.and[1].or[0]", "card", 4),
        ("include.and[1].or[1]", "segment", 2),
        ("exclude.or[0]", "card", 7),
    ]


def test_evaluate_the_documented_example() -> None:
    defn = parse_segment_definition(DOC_EXAMPLE)

    def member(cards: set[int], segments: set[int]) -> bool:
        return evaluate_segment(defn, in_card=cards.__contains__, in_segment=segments.__contains__)

    assert member({1, 4}, set()) is True
    assert member({1}, {2}) is True
    assert member({1}, set()) is False
    assert member({4}, {2}) is False
    assert member({1, 4, 7}, set()) is False


def _compile(doc: Any) -> tuple[list[SetOp], list[str]]:
    scratch = count()
    program = compile_set_algebra(
        parse_segment_definition(doc),
        card_key=lambda i: f"card:{{3}}:{i}",
        segment_key=lambda i: f"seg:{{3}}:{i}",
        scratch_key=lambda: f"tmp:{{3}}:{next(scratch)}",
        dest="build",
    )
    return program.ops, program.scratch


def test_compiled_programs_by_example() -> None:
    assert _compile({"include": {"card": 1}}) == (
        [SetOp("SUNIONSTORE", "build", ("card:{3}:1",))],
        [],
    )
    assert _compile({"include": {"and": [{"or": [{"segment": 2}]}]}}) == (
        [SetOp("SUNIONSTORE", "build", ("seg:{3}:2",))],
        [],
    )
    assert _compile({"include": {"card": 1}, "exclude": {"card": 2}}) == (
        [SetOp("SDIFFSTORE", "build", ("card:{3}:1", "card:{3}:2"))],
        [],
    )
    assert _compile(DOC_EXAMPLE) == (
        [
            SetOp("SUNIONSTORE", "tmp:{3}:0", ("card:{3}:4", "seg:{3}:2")),
            SetOp("SINTERSTORE", "build", ("card:{3}:1", "tmp:{3}:0")),
            SetOp("SDIFFSTORE", "build", ("build", "card:{3}:7")),
        ],
        ["tmp:{3}:0"],
    )


def test_compiling_an_unvalidated_empty_group_is_refused() -> None:
    with pytest.raises(RuleError):
        _compile({"include": {"or": []}})
