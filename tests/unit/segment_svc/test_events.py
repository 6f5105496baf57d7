"""Outgoing event ids and bodies follow the conventions and the contract."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from segment_svc.domain.events import (
    build_cause,
    build_event_id,
    incremental_event_id,
    iso_utc,
    lifecycle_event_id,
    membership_event,
)
from segshared.contracts import SegmentMembershipChanged


def test_incremental_id_names_segment_change_and_cause() -> None:
    assert incremental_event_id(9, "entered", "card:3:entered:bet:1:placed") == (
        "seg:9:entered:card:3:entered:bet:1:placed"
    )


def test_build_ids_name_the_revision_and_player() -> None:
    assert build_event_id(4, "exited", build_cause(3), "p1") == "seg:4:exited:rev:3:p1"


def test_build_cause_of_a_dependent_names_the_upstream_revisions() -> None:
    assert build_cause(2, [(7, 3), (5, 1)]) == "rev:2:5r1.7r3"
    assert build_cause(2, [(7, 4), (5, 1)]) != build_cause(2, [(7, 3), (5, 1)])


def test_membership_event_is_a_valid_contract_event() -> None:
    doc = membership_event(
        event_id="seg:1:entered:x",
        occurred_at=iso_utc(datetime(2021, 10, 31, 15, 38, 43, tzinfo=UTC)),
        player_id="p-1",
        segment_id=1,
        change="entered",
        cause="event",
        cause_event_id="x",
    )
    event = SegmentMembershipChanged.model_validate_json(orjson.dumps(doc))
    assert event.occurred_at == datetime(2021, 10, 31, 15, 38, 43, tzinfo=UTC)
    assert doc["occurred_at"] == "2021-10-31T15:38:43Z"
    assert event.model_dump(mode="json", exclude_none=True) == doc


def test_lifecycle_ids_differ_per_kind_and_revision() -> None:
    assert lifecycle_event_id(3, "segment_updated", 2) == "segment:3:segment_updated:rev:2"
