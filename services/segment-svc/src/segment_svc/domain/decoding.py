"""Decoding ``card.membership`` records; failures carry a reason for the dead-letter topic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from segshared.contracts import CardMembershipChanged, DecodeError
from segshared.contracts.codec import decode_contract

#: type -> newest version this code understands.
KNOWN_CARD_EVENTS = {"card_membership_changed": 1}
_NEWEST = KNOWN_CARD_EVENTS["card_membership_changed"]

# The shapes the fast path accepts; anything else is decided by the pydantic contract.
_FIELDS = frozenset(CardMembershipChanged.model_fields)
_CAUSES = frozenset(("event", "clock", "backfill", "upload", "definition", "delete"))
_CHANGES = frozenset(("entered", "exited"))
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)\Z")
_PLAYER = re.compile(r"[A-Za-z0-9_.:-]{1,64}\Z")


@dataclass(frozen=True, slots=True)
class CardChange:
    """A valid ``card_membership_changed`` record, with the contract's values (hot path)."""

    event_id: str
    occurred_at: datetime
    player_id: str
    card_id: int
    change: str
    cards: list[int]
    cause: str
    cause_event_id: str | None


def decode_card_change(raw: bytes | str | None) -> CardChange | CardMembershipChanged:
    """Like :func:`decode_card_membership`, several times cheaper for a well-formed record.

    A pydantic model per record cost more than the rest of the batch; plain checks of the
    common, canonical shape accept a subset of what the contract accepts, and every other
    record goes through the contract itself (so the same records pass, or fail with the
    same reason).
    """
    try:
        doc = orjson.loads(raw) if raw else None
        fast = _fast(doc) if type(doc) is dict else None
    except (orjson.JSONDecodeError, ValueError, TypeError):
        fast = None
    return fast if fast is not None else decode_card_membership(raw)


def _fast(doc: dict[str, Any]) -> CardChange | None:
    event_id, at, player = doc.get("event_id"), doc.get("occurred_at"), doc.get("player_id")
    card_id, version = doc.get("card_id"), doc.get("version")
    cards, cause = doc.get("cards", []), doc.get("cause", "event")
    cause_event_id = doc.get("cause_event_id")
    ok = (
        doc.keys() <= _FIELDS
        and doc.get("type", "card_membership_changed") == "card_membership_changed"
        and type(version) is int
        and 1 <= version <= _NEWEST
        and type(event_id) is str
        and 0 < len(event_id) <= 200
        and type(player) is str
        and _PLAYER.match(player) is not None
        and type(card_id) is int
        and doc.get("change") in _CHANGES
        and type(cards) is list
        and all(type(c) is int for c in cards)
        and cause in _CAUSES
        and (cause_event_id is None or type(cause_event_id) is str)
        and type(at) is str
        and _TIME.match(at) is not None
    )
    if not ok:
        return None
    when = datetime.fromisoformat(doc["occurred_at"]).astimezone(UTC)
    return CardChange(doc["event_id"], when, doc["player_id"], doc["card_id"], doc["change"],
                      cards, cause, cause_event_id)  # fmt: skip


def decode_card_membership(raw: bytes | str | None) -> CardMembershipChanged:
    """Parse and validate one ``card.membership`` record, or raise ``DecodeError``."""
    if raw is None or raw in (b"", ""):
        raise DecodeError("empty", "the record has no value")
    try:
        # Fast path: pydantic parses the JSON itself; almost every record is valid.
        event = CardMembershipChanged.model_validate_json(raw)
    except ValidationError:
        return _decode_slowly(raw)  # find out why, with the reason the DLQ wants
    if event.version > _NEWEST:
        raise DecodeError(
            "unsupported_version",
            f"card_membership_changed version {event.version} is newer than {_NEWEST}",
        )
    return event


def _decode_slowly(raw: bytes | str) -> CardMembershipChanged:
    event: CardMembershipChanged = decode_contract(raw, CardMembershipChanged, KNOWN_CARD_EVENTS)
    return event
