"""Dead letters on ``<topic>.dlq``: a record that could not be processed, why, and the original.

Keyed like the original record. ``key`` and ``value`` are the original bytes as UTF-8 text, or
``{"base64": ...}`` when they are not text.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Base64(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    base64: str


class DeadLetter(BaseModel):
    """One dead letter (a record, not an event: it has no ``event_id`` or ``version``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reason: str = Field(
        description="a stable label: empty, malformed_json, unknown_type, unsupported_version, "
        "invalid, wrong_partition; webhook delivery adds http_status, max_attempts, ...",
        examples=["unsupported_version"],
    )
    detail: str = Field(description="what was wrong, for a person")
    topic: str = Field(description="where the record was read")
    partition: int | None
    offset: int | None
    failed_at: datetime
    key: str | Base64 | None
    value: str | Base64 | None
