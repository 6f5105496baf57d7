"""Membership changes ready to be applied to one player's sets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SetChange:
    """Bring the player into (or out of) ``segment_id``; ``event`` is written if the set moves."""

    segment_id: int
    enter: bool
    event: bytes


@dataclass(frozen=True, slots=True)
class PlayerChanges:
    """Every change of one player in one batch, applied by one atomic script."""

    player_id: str
    shard: int
    changes: Sequence[SetChange]
