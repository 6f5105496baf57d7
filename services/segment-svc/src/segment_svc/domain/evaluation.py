"""Incremental evaluation: which of the affected segments one player should be in now."""

from __future__ import annotations

from collections.abc import Sequence

from segment_svc.domain.catalogue import SegmentSpec


def evaluate_player(
    affected: Sequence[SegmentSpec], *, cards: frozenset[int], current: frozenset[int]
) -> list[tuple[int, bool]]:
    """``(segment id, enter?)`` for each affected segment whose membership must change.

    ``affected`` is in topological order, so a segment reference sees the value just computed
    for the referenced segment; segments not re-evaluated keep their ``current`` membership.
    """
    member_of = set(current)  # updated as segments are decided, for the ones reading them
    changes: list[tuple[int, bool]] = []
    for spec in affected:
        sid = spec.segment_id
        wanted = spec.member(cards, member_of)
        if wanted != (sid in current):
            changes.append((sid, wanted))
            if wanted:
                member_of.add(sid)
            else:
                member_of.discard(sid)
    return changes
