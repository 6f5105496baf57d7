"""Set algebra of one definition over one shard's keys."""

from __future__ import annotations

from itertools import count

from segshared.keys import Keys
from segshared.rules import SegmentDefinition, SetProgram, compile_set_algebra


def shard_program(
    defn: SegmentDefinition, *, keys: Keys, shard: int, dest: str, token: str
) -> SetProgram:
    """Commands that store ``defn``'s members of ``shard`` in ``dest`` (slot ``{shard}``)."""
    numbers = count()
    return compile_set_algebra(
        defn,
        card_key=lambda card_id: keys.card(shard, card_id),
        segment_key=lambda segment_id: keys.segment(shard, segment_id),
        scratch_key=lambda: keys.scratch(shard, f"{token}:{next(numbers)}"),
        dest=dest,
    )
