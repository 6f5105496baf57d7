"""Dispatch keys: stable, readable, bounded, and distinct for distinct inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from action_svc.domain.idempotency import (
    MAX_KEY_LENGTH,
    dispatch_key,
    scheduled_occurrence,
    send_occurrence,
    triggered_occurrence,
)

VISIBLE_ASCII = set(map(chr, range(0x21, 0x7F)))


def test_readable_keys() -> None:
    event = "seg:3:entered:card:5:entered:e-991"
    assert dispatch_key(17, triggered_occurrence(event), "p123") == (
        "a17:ev:seg:3:entered:card:5:entered:e-991:pp123"
    )
    assert dispatch_key(17, send_occurrence(4), "123") == "a17:run:4:p123"
    moment = datetime(2026, 12, 3, 10, tzinfo=timezone(timedelta(hours=1)))
    assert scheduled_occurrence(moment) == "at:2026-12-03T09:00:00Z"
    assert dispatch_key(2, scheduled_occurrence(moment), "u1") == "a2:at:2026-12-03T09:00:00Z:pu1"


def test_same_inputs_same_key_on_every_redelivery() -> None:
    occurrence = scheduled_occurrence(datetime(2026, 1, 1, 9, tzinfo=UTC))
    assert dispatch_key(5, occurrence, "p:1") == dispatch_key(5, occurrence, "p:1")


def test_colons_in_player_ids_cannot_collide() -> None:
    # Without encoding both would read "a1:x:y:pz".
    assert dispatch_key(1, "x:y", "z") != dispatch_key(1, "x", "y:pz")
    assert dispatch_key(1, "x", "y:pz") == "a1:x:py%3Apz"


def test_long_or_unusual_parts_are_hashed() -> None:
    long_occurrence = "ev:" + "x" * 300
    key = dispatch_key(1, long_occurrence, "p1")
    assert key.startswith("a1:#") and key.endswith(":pp1") and len(key) <= MAX_KEY_LENGTH
    assert dispatch_key(1, "with space", "p1").startswith("a1:#")
    assert dispatch_key(1, "#looks-hashed", "p1") != "a1:#looks-hashed:pp1"
    key = dispatch_key(1, "x", "é" * 100)
    assert ":p#" in key and key.isascii() and len(key) <= MAX_KEY_LENGTH


@pytest.mark.parametrize("action_id", [0, -1, 2**63])
def test_action_id_range(action_id: int) -> None:
    with pytest.raises(ValueError, match="action_id"):
        dispatch_key(action_id, "x", "p")


@given(
    action_id=st.integers(min_value=1, max_value=2**63 - 1),
    occurrence=st.text(max_size=400),
    player=st.text(max_size=300),
)
def test_keys_bounded_visible_ascii_and_stable(
    action_id: int, occurrence: str, player: str
) -> None:
    key = dispatch_key(action_id, occurrence, player)
    assert len(key) <= MAX_KEY_LENGTH
    assert set(key) <= VISIBLE_ASCII  # fit for an Idempotency-Key header
    assert key == dispatch_key(action_id, occurrence, player)
    assert key.startswith(f"a{action_id}:")


@given(
    a=st.tuples(st.integers(1, 50), st.text(max_size=150), st.text(max_size=80)),
    b=st.tuples(st.integers(1, 50), st.text(max_size=150), st.text(max_size=80)),
)
def test_distinct_inputs_distinct_keys(a: tuple[int, str, str], b: tuple[int, str, str]) -> None:
    if a != b:
        assert dispatch_key(*a) != dispatch_key(*b)


@given(st.lists(st.text(alphabet="ab:#%", max_size=6), min_size=4, max_size=4))
def test_distinct_inputs_distinct_keys_tricky_alphabet(parts: list[str]) -> None:
    (o1, p1, o2, p2) = parts
    if (o1, p1) != (o2, p2):
        assert dispatch_key(1, o1, p1) != dispatch_key(1, o2, p2)
