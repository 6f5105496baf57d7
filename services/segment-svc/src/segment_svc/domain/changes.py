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
    """One player's outcome of a batch: set changes, and the card events now applied.

    Both are written by one atomic script, so a crash leaves either all or none of them.
    """

    player_id: str
    shard: int
    changes: Sequence[SetChange]
    applied: Sequence[bytes]


@dataclass(frozen=True, slots=True)
class PlayerState:
    """What the store knows of a player: their segments and recently applied card events."""

    segments: frozenset[int]
    applied: frozenset[bytes]
