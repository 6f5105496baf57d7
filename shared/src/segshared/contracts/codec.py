"""Bytes <-> events. Decoding failures carry a short reason for the dead-letter topic."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError

from segshared.contracts.player_events import PLAYER_EVENT_TYPES, PlayerEvent

_player_event = TypeAdapter(PlayerEvent)


class DecodeError(ValueError):
    """An event that cannot be processed; ``reason`` is a stable label, ``detail`` says why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def encode(event: BaseModel) -> bytes:
    """Compact JSON of an event, timestamps in ISO 8601 UTC."""
    return orjson.dumps(event.model_dump(mode="json", exclude_none=True))


def _load_json(raw: bytes | str | None) -> dict[str, Any]:
    if raw is None or raw in (b"", ""):
        raise DecodeError("empty", "the record has no value")
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DecodeError("malformed_json", str(exc)) from exc
    if not isinstance(doc, dict):
        raise DecodeError("malformed_json", "the value must be a JSON object")
    return doc


def check_version(doc: dict[str, Any], known: dict[str, int]) -> None:
    """Refuse unknown types and versions newer than this code understands."""
    kind = doc.get("type")
    if kind not in known:
        raise DecodeError("unknown_type", f"type {kind!r} is not one of {sorted(known)}")
    version = doc.get("version")
    if not isinstance(version, int) or version < 1:
        raise DecodeError("invalid", "version must be a positive integer")
    if version > known[kind]:
        raise DecodeError(
            "unsupported_version", f"{kind} version {version} is newer than {known[kind]}"
        )


def decode_player_event(raw: bytes | str | None) -> Any:
    """Parse and validate one ``player.events`` record, or raise :class:`DecodeError`."""
    return decode_contract(raw, _player_event, PLAYER_EVENT_TYPES)


def decode_contract(raw: bytes | str | None, model: Any, known: dict[str, int]) -> Any:
    """``raw`` as ``model`` (a pydantic model class or TypeAdapter) whose ``type`` is one of
    ``known`` (type -> newest version), or :class:`DecodeError` with the dead-letter reason."""
    doc = _load_json(raw)
    check_version(doc, known)
    try:
        return model.validate_python(doc) if isinstance(model, TypeAdapter) else \
            model.model_validate(doc)  # fmt: skip
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DecodeError("invalid", f"{where}: {first['msg']}") from exc
