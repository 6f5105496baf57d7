"""Definition checks name the offending node."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from segment_svc.service_layer.columns import check_columns
from segment_svc.service_layer.validation import (
    DefinitionErrors,
    Limits,
    check_cards,
    check_segments,
    parse_definition,
)
from segshared.rules import RuleError


class Cards:
    def __init__(self, known: set[int]) -> None:
        self.known = known

    async def existing(self, card_ids: Collection[int]) -> set[int]:
        return self.known & set(card_ids)


def test_limits_and_shape() -> None:
    with pytest.raises(RuleError) as info:
        parse_definition({"and": []}, None, limits=Limits())
    assert info.value.path == "include"
    deep: dict[str, object] = {"card": 1}
    for _ in range(4):
        deep = {"and": [deep]}
    with pytest.raises(RuleError, match="nest"):
        parse_definition(deep, None, limits=Limits(max_depth=3))
    with pytest.raises(RuleError, match="at most 2 nodes"):
        parse_definition({"or": [{"card": 1}, {"card": 2}]}, None, limits=Limits(max_nodes=2))


async def test_unknown_cards_are_each_named() -> None:
    defn = parse_definition({"and": [{"card": 1}, {"card": 8}]}, {"card": 9}, limits=Limits())
    with pytest.raises(DefinitionErrors) as info:
        await check_cards(defn, cards=Cards({1}))
    assert [(e.path, e.message) for e in info.value.errors] == [
        ("include.and[1]", "card 8 does not exist"),
        ("exclude", "card 9 does not exist"),
    ]
    await check_cards(defn, cards=Cards({1, 8, 9}))


def test_unknown_segments_and_cycles() -> None:
    refs = {3: {5}, 5: set(), 6: {3}}
    defn = parse_definition({"segment": 4}, None, limits=Limits())
    with pytest.raises(DefinitionErrors, match="segment 4 does not exist"):
        check_segments(defn, segment_refs=refs, segment_id=None)
    loop = parse_definition({"or": [{"card": 1}, {"segment": 3}]}, None, limits=Limits())
    with pytest.raises(RuleError) as info:
        check_segments(loop, segment_refs=refs, segment_id=5)
    assert info.value.message == "segment 5 -> 3 -> 5 is a cycle"
    assert info.value.path == "include.or[1]"
    check_segments(loop, segment_refs=refs, segment_id=None)


def test_columns_come_from_the_field_registry() -> None:
    assert check_columns(None, None) == (["player_id"], None)
    assert check_columns(["player_id", "country", "country"], "country") == (
        ["player_id", "country"],
        "country",
    )
    with pytest.raises(RuleError) as info:
        check_columns(["player_id", "shoe_size"], None)
    assert info.value.path == "columns[1]"
    with pytest.raises(RuleError):
        check_columns(None, "shoe_size")
