"""Definition lifecycle events, keyed by the definition's id."""

from __future__ import annotations

from typing import Any, Literal

from segshared.contracts.envelope import Envelope


class SegmentLifecycleEvent(Envelope):
    type: Literal["segment_created", "segment_updated", "segment_cloned", "segment_deleted"]
    segment_id: int
    revision: int
    name: str
    definition: dict[str, Any] | None = None
    cloned_from: int | None = None


class CardLifecycleEvent(Envelope):
    type: Literal["card_created", "card_updated", "card_deleted"]
    card_id: int
    revision: int
    name: str
    kind: Literal["rule", "static"]
