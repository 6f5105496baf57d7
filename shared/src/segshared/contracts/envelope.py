"""Fields every event carries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

EventId = Annotated[str, Field(min_length=1, max_length=200)]
PlayerId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


def _require_timezone(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("occurred_at needs a time zone, e.g. 2021-10-31T15:38:43Z")
    return value.astimezone(UTC)


AwareDatetime = Annotated[datetime, AfterValidator(_require_timezone)]


class Envelope(BaseModel):
    """Identity, time and schema version of an event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: EventId
    version: int = Field(ge=1)
    occurred_at: AwareDatetime


def to_epoch_ms(value: datetime) -> int:
    """Milliseconds since the epoch; the stream clock and due times use this unit."""
    return int(value.timestamp() * 1000)


def from_epoch_ms(value: int) -> datetime:
    """Inverse of :func:`to_epoch_ms`, in UTC."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)
