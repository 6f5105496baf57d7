"""card.membership records that cannot be processed are refused with a reason."""

from __future__ import annotations

import orjson
import pytest

from segment_svc.domain.decoding import decode_card_membership
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
