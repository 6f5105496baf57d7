"""Incremental evaluation: which of the affected segments one player should be in now."""

from __future__ import annotations

from collections.abc import Sequence

from segment_svc.domain.catalogue import SegmentSpec
from segshared.rules import evaluate_segment


def evaluate_player(
    affected: Sequence[SegmentSpec], *, cards: frozenset[int], current: frozenset[int]
) -> list[tuple[int, bool]]:
    """``(segment id, enter?)`` for each affected segment whose membership must change.

    ``affected`` is in topological order, so a segment reference sees the value just computed
    for the referenced segment; segments not re-evaluated keep their ``current`` membership.
    """
    fresh: dict[int, bool] = {}

    def in_segment(segment_id: int) -> bool:
        value = fresh.get(segment_id)
        return (segment_id in current) if value is None else value

    in_card = cards.__contains__
    changes: list[tuple[int, bool]] = []
    for spec in affected:
        wanted = evaluate_segment(spec.definition, in_card=in_card, in_segment=in_segment)
        fresh[spec.segment_id] = wanted
        if wanted != (spec.segment_id in current):
            changes.append((spec.segment_id, wanted))
    return changes
