"""Incremental evaluation of the affected segments equals evaluating every segment afresh."""

from __future__ import annotations

import random
from typing import Any

from segment_svc.domain.catalogue import Catalogue, SegmentSpec
from segment_svc.domain.evaluation import evaluate_player
from segshared.rules import parse_segment_definition, segment_definition_to_doc

CARDS = list(range(1, 9))


def _node(rng: random.Random, segment_id: int, depth: int) -> dict[str, Any]:
    roll = rng.random()
    if depth < 3 and roll < 0.35:
        kind = rng.choice(["and", "or"])
        return {kind: [_node(rng, segment_id, depth + 1) for _ in range(rng.randint(1, 3))]}
    if segment_id > 1 and roll < 0.5:
        return {"segment": rng.randint(1, segment_id - 1)}  # only lower ids: acyclic
    return {"card": rng.choice(CARDS)}


def _catalogue(rng: random.Random, n: int) -> Catalogue:
    specs = []
    for sid in range(1, n + 1):
        doc: dict[str, Any] = {"include": _node(rng, sid, 1)}
        if rng.random() < 0.4:
            doc["exclude"] = _node(rng, sid, 2)
        specs.append(SegmentSpec.of(sid, 1, parse_segment_definition(doc)))
    return Catalogue(specs)


def _full(catalogue: Catalogue, cards: frozenset[int]) -> frozenset[int]:
    """Oracle: every segment in id order (references point to lower ids), by plain sets."""
    members: set[int] = set()

    def holds(node: dict[str, Any]) -> bool:
        ((kind, value),) = node.items()
        if kind == "card":
            return value in cards
        if kind == "segment":
            return value in members
        results = [holds(child) for child in value]
        return all(results) if kind == "and" else any(results)

    for sid in sorted(catalogue.specs):
        doc = segment_definition_to_doc(catalogue.specs[sid].definition)
        if holds(doc["include"]) and not ("exclude" in doc and holds(doc["exclude"])):
            members.add(sid)
    return frozenset(members)


def test_incremental_matches_full_evaluation() -> None:
    rng = random.Random(7)
    for _ in range(40):
        catalogue = _catalogue(rng, rng.randint(1, 12))
        cards = frozenset(c for c in CARDS if rng.random() < 0.5)
        current = _full(catalogue, cards)
        for _ in range(25):
            changed = frozenset(rng.sample(CARDS, rng.randint(1, 2)))
            cards = cards ^ changed
            affected = catalogue.affected(changed)
            changes = evaluate_player(affected, cards=cards, current=current)
            entered = {s for s, enter in changes if enter}
            exited = {s for s, enter in changes if not enter}
            assert not entered & current and exited <= current  # only real moves
            current = (current - exited) | entered
            assert current == _full(catalogue, cards)


def test_segment_reference_sees_the_value_computed_in_the_same_pass() -> None:
    catalogue = Catalogue(
        [
            SegmentSpec.of(1, 1, parse_segment_definition({"include": {"card": 1}})),
            SegmentSpec.of(2, 1, parse_segment_definition({"include": {"segment": 1}})),
        ]
    )
    affected = catalogue.affected(frozenset({1}))
    assert [s.segment_id for s in affected] == [1, 2]
    assert evaluate_player(affected, cards=frozenset({1}), current=frozenset()) == [
        (1, True),
        (2, True),
    ]


def test_compiled_definitions_agree_with_the_rule_model() -> None:
    from segment_svc.domain.compiled import compile_definition
    from segshared.rules import evaluate_segment

    rng = random.Random(3)
    for _ in range(30):
        catalogue = _catalogue(rng, rng.randint(1, 10))
        for spec in catalogue.specs.values():
            member = compile_definition(spec.definition)
            for _ in range(40):
                cards = frozenset(c for c in CARDS if rng.random() < 0.5)
                segs = frozenset(s for s in catalogue.specs if rng.random() < 0.5)
                expected = evaluate_segment(spec.definition, in_card=cards.__contains__,
                                            in_segment=segs.__contains__)  # fmt: skip
                assert member(cards, segs) == expected
