"""card.membership records that cannot be processed are refused with a reason."""

from __future__ import annotations

import orjson
import pytest

from segment_svc.domain.decoding import CardChange, decode_card_change, decode_card_membership
from segshared.contracts import DecodeError

GOOD = {
    "event_id": "card:1:entered:e1",
    "version": 1,
    "occurred_at": "2021-10-31T15:38:43Z",
    "type": "card_membership_changed",
    "player_id": "p1",
    "card_id": 1,
    "change": "entered",
    "cards": [1, 2],
}


def test_decodes_a_valid_event() -> None:
    event = decode_card_membership(orjson.dumps(GOOD))
    assert (event.player_id, event.card_id, event.cards) == ("p1", 1, [1, 2])


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "empty"),
        (b"", "empty"),
        (b"{nope", "malformed_json"),
        (b"[1]", "malformed_json"),
        (orjson.dumps({**GOOD, "type": "something_else"}), "unknown_type"),
        (orjson.dumps({**GOOD, "version": 2}), "unsupported_version"),
        (orjson.dumps({**GOOD, "version": 0}), "invalid"),
        (orjson.dumps({**GOOD, "change": "maybe"}), "invalid"),
        (orjson.dumps({**GOOD, "occurred_at": "2021-10-31T15:38:43"}), "invalid"),
    ],
)
def test_refuses_with_a_reason(raw: bytes | None, reason: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_card_membership(raw)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    "doc",
    [
        GOOD,
        {**GOOD, "occurred_at": "2021-10-31T17:38:43.25+02:00", "cause": "clock"},
        {**GOOD, "cards": [], "cause_event_id": "e0", "type": "card_membership_changed"},
        {k: v for k, v in GOOD.items() if k != "type"},
    ],
)
def test_fast_decoding_agrees_with_the_contract(doc: dict[str, object]) -> None:
    fast = decode_card_change(orjson.dumps(doc))
    assert isinstance(fast, CardChange)
    model = decode_card_membership(orjson.dumps(doc))
    for name in CardChange.__slots__:
        assert getattr(fast, name) == getattr(model, name), name


@pytest.mark.parametrize(
    "doc",
    [
        {**GOOD, "card_id": "1"},  # lax values the contract converts
        {**GOOD, "occurred_at": 1635694723},
        {**GOOD, "version": 1.0},
    ],
)
def test_unusual_records_are_left_to_the_contract(doc: dict[str, object]) -> None:
    assert decode_card_change(orjson.dumps(doc)) == decode_card_membership(orjson.dumps(doc))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "empty"),
        (b"", "empty"),
        (b"{nope", "malformed_json"),
        (b"[1]", "malformed_json"),
        (orjson.dumps({**GOOD, "type": "something_else"}), "unknown_type"),
        (orjson.dumps({**GOOD, "version": 2}), "unsupported_version"),
        (orjson.dumps({**GOOD, "version": 0}), "invalid"),
        (orjson.dumps({**GOOD, "change": "maybe"}), "invalid"),
        (orjson.dumps({**GOOD, "occurred_at": "2021-10-31T15:38:43"}), "invalid"),
        (orjson.dumps({**GOOD, "player_id": "a b"}), "invalid"),
        (orjson.dumps({**GOOD, "extra": 1}), "invalid"),
        (orjson.dumps({**GOOD, "cards": [1, "x"]}), "invalid"),
    ],
)
def test_fast_decoding_refuses_with_the_same_reason(raw: bytes | None, reason: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_card_change(raw)
    assert info.value.reason == reason
