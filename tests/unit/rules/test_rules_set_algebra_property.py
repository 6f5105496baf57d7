"""Property: a segment's compiled set program stores exactly the players evaluate_segment admits.

Definitions and memberships are random; the expected members come from a third, direct
interpretation of the JSON document, so neither library function is checked against itself.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from segshared.rules import (
    SetOp,
    compile_set_algebra,
    evaluate_segment,
    parse_segment_definition,
    validate_segment_definition,
)

PLAYERS = range(40)
CARDS = range(1, 7)
SEGMENTS = range(1, 4)

_leaves = st.one_of(
    st.builds(lambda i: {"card": i}, st.sampled_from(CARDS)),
    st.builds(lambda i: {"segment": i}, st.sampled_from(SEGMENTS)),
)
_nodes = st.recursive(
    _leaves,
    lambda kids: st.builds(
        lambda kind, children: {kind: children},
        st.sampled_from(["and", "or"]),
        st.lists(kids, min_size=1, max_size=4),
    ),
    max_leaves=24,
)
_docs = st.builds(
    lambda inc, exc: {"include": inc} if exc is None else {"include": inc, "exclude": exc},
    _nodes,
    st.none() | _nodes,
)
# Absent ids model keys that do not exist in Redis (read as empty sets).
_sets = st.frozensets(st.sampled_from(PLAYERS))
_cards = st.dictionaries(st.sampled_from(CARDS), _sets)
_segments = st.dictionaries(st.sampled_from(SEGMENTS), _sets)


def _direct(node: dict[str, Any], player: int, cards: dict[int, Any], segs: dict[int, Any]) -> bool:
    ((kind, arg),) = node.items()
    if kind == "card":
        return player in cards.get(arg, ())
    if kind == "segment":
        return player in segs.get(arg, ())
    results = [_direct(child, player, cards, segs) for child in arg]
    return all(results) if kind == "and" else any(results)


def _holder(sets: dict[int, frozenset[int]], player: int) -> Callable[[int], bool]:
    return lambda set_id: player in sets.get(set_id, ())


def _run(ops: list[SetOp], store: dict[str, set[int]]) -> None:
    """An in-memory Redis for the three commands (missing keys are empty sets)."""
    for op in ops:
        assert op.keys, op
        sets = [store.get(key, set()) for key in op.keys]
        if op.command == "SINTERSTORE":
            result = set.intersection(*sets)
        elif op.command == "SUNIONSTORE":
            result = set.union(*sets)
        else:
            result = sets[0].difference(*sets[1:])
        store[op.dest] = result  # Redis deletes an empty result; reading it back is the same


@settings(max_examples=300, deadline=None)
@given(doc=_docs, cards=_cards, segs=_segments)
def test_set_program_equals_per_player_evaluation(
    doc: dict[str, Any], cards: dict[int, frozenset[int]], segs: dict[int, frozenset[int]]
) -> None:
    defn = parse_segment_definition(doc)
    validate_segment_definition(defn, max_depth=64, max_nodes=1000)
    expected = {p for p in PLAYERS if _direct(doc["include"], p, cards, segs)}
    if "exclude" in doc:
        expected -= {p for p in PLAYERS if _direct(doc["exclude"], p, cards, segs)}

    per_player = {
        p
        for p in PLAYERS
        if evaluate_segment(defn, in_card=_holder(cards, p), in_segment=_holder(segs, p))
    }
    assert per_player == expected

    tokens = count()
    program = compile_set_algebra(
        defn,
        card_key=lambda c: f"card:{{0}}:{c}",
        segment_key=lambda s: f"seg:{{0}}:{s}",
        scratch_key=lambda: f"tmp:{{0}}:{next(tokens)}",
        dest="segbuild:{0}:9:x",
    )
    sources = {f"card:{{0}}:{c}": set(m) for c, m in cards.items()}
    sources |= {f"seg:{{0}}:{s}": set(m) for s, m in segs.items()}
    store = {k: set(v) for k, v in sources.items()} | {"segbuild:{0}:9:x": {999}}  # stale content
    _run(program.ops, store)

    assert store["segbuild:{0}:9:x"] == expected
    assert program.ops and program.ops[-1].dest == "segbuild:{0}:9:x"
    written = {op.dest for op in program.ops}
    assert written <= {"segbuild:{0}:9:x", *program.scratch}  # never a card or segment set
    assert set(program.scratch) <= written
    assert len(set(program.scratch)) == len(program.scratch)
    assert {k: store.get(k, set()) for k in sources} == sources
