"""Outgoing segment events: deterministic ids and contract-shaped bodies.

Ids are derived from what caused the change, so a redelivered cause or a republished outbox
entry carries the same id and downstream consumers can drop the duplicate (DESIGN decision 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

Change = Literal["entered", "exited"]

#: Schema version of the events this service writes.
MEMBERSHIP_VERSION = 1
LIFECYCLE_VERSION = 1


def change_of(entered: bool) -> Change:
    """The contract's name of a membership change."""
    return "entered" if entered else "exited"


def incremental_event_id(segment_id: int, change: Change, cause_event_id: str) -> str:
    """``seg:<segment_id>:<change>:<cause card event id>``."""
    return f"seg:{segment_id}:{change}:{cause_event_id}"


def build_cause(revision: int, upstream: Sequence[tuple[int, int]] = ()) -> str:
    """Identity of one build of a segment: its revision and those of the segments it reads.

    A dependent is rebuilt when a segment it references changes while its own revision
    stays the same; naming the referenced revisions keeps ids of distinct builds distinct,
    so a player who re-enters through such a rebuild is not dropped as a duplicate.
    """
    cause = f"rev:{revision}"
    if upstream:
        cause += ":" + ".".join(f"{sid}r{rev}" for sid, rev in sorted(upstream))
    return cause


def build_event_id(segment_id: int, change: Change, cause: str, player_id: str) -> str:
    """``seg:<id>:<change>:rev:<revision>[:<upstream revisions>]:<player>``."""
    return f"seg:{segment_id}:{change}:{cause}:{player_id}"


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as the contracts encode times."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def membership_event(
    *,
    event_id: str,
    occurred_at: str,
    player_id: str,
    segment_id: int,
    change: Change,
    cause: str,
    cause_event_id: str | None,
) -> dict[str, Any]:
    """The JSON document of a ``SegmentMembershipChanged`` (built directly: this is the hot
    path, and a unit test holds it to the pydantic contract)."""
    doc: dict[str, Any] = {
        "event_id": event_id,
        "version": MEMBERSHIP_VERSION,
        "occurred_at": occurred_at,
        "type": "segment_membership_changed",
        "player_id": player_id,
        "segment_id": segment_id,
        "change": change,
        "cause": cause,
    }
    if cause_event_id is not None:
        doc["cause_event_id"] = cause_event_id
    return doc


def lifecycle_event_id(segment_id: int, kind: str, revision: int) -> str:
    """``segment:<id>:<kind>:rev:<revision>``: one per definition change."""
    return f"segment:{segment_id}:{kind}:rev:{revision}"
