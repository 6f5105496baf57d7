"""Decoding ``card.membership`` records; failures carry a reason for the dead-letter topic."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import ValidationError

from segshared.contracts import CardMembershipChanged, DecodeError
from segshared.contracts.codec import check_version

#: type -> newest version this code understands.
KNOWN_CARD_EVENTS = {"card_membership_changed": 1}
_NEWEST = KNOWN_CARD_EVENTS["card_membership_changed"]


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
    try:
        doc: Any = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DecodeError("malformed_json", str(exc)) from exc
    if not isinstance(doc, dict):
        raise DecodeError("malformed_json", "the value must be a JSON object")
    check_version(doc, KNOWN_CARD_EVENTS)
    try:
        return CardMembershipChanged.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DecodeError("invalid", f"{where}: {first['msg']}") from exc
