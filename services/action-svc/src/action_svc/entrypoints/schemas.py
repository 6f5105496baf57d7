"""HTTP bodies of action-svc (the action spec itself is ``domain.model.ActionSpec``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from action_svc.adapters.orm import ActionRow, RunRow
from action_svc.domain.model import FrequencyCap
from segshared.db import StoredTime


class ActionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{
            "id": 1, "name": "Hot streak", "description": "",
            "target": {"kind": "segment", "id": 4}, "type": "triggered", "channel": "email",
            "definition": {"subject": "Hi {{username|there}}",
                           "body": "Biggest stake so far: {{biggest_bet}}"},
            "trigger": {"on": "entered"}, "frequency_cap": {"max": 1, "per_hours": 24},
            "status": "active", "status_reason": "", "revision": 1,
            "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z",
            "stats": {"dispatched": 115},
        }]}
    )  # fmt: skip

    id: int
    name: str
    description: str
    target: dict[str, Any]
    type: str
    channel: str
    definition: dict[str, Any]
    trigger: dict[str, Any] | None = None
    single_send: dict[str, Any] | None = None
    schedule: dict[str, Any] | None = None
    starts_at: StoredTime | None = None
    ends_at: StoredTime | None = None
    frequency_cap: dict[str, Any] | None = None
    status: str
    status_reason: str
    revision: int
    created_at: StoredTime
    updated_at: StoredTime
    #: Outcome -> count: dispatched, capped, suppressed, missed, skipped, delivered, failed,
    #: dead_lettered.
    stats: dict[str, int] = Field(default_factory=dict)

    @classmethod
    def of(cls, row: ActionRow, stats: dict[str, int]) -> ActionOut:
        spec = row.spec
        return cls(
            id=row.id, name=row.name, description=row.description, target=spec["target"],
            type=row.type, channel=row.channel, definition=spec["definition"],
            trigger=spec.get("trigger"), single_send=spec.get("single_send"),
            schedule=spec.get("schedule"), starts_at=row.starts_at, ends_at=row.ends_at,
            frequency_cap=spec.get("frequency_cap"), status=row.status,
            status_reason=row.status_reason, revision=row.revision, created_at=row.created_at,
            updated_at=row.updated_at, stats=stats,
        )  # fmt: skip


class ActionList(BaseModel):
    items: list[ActionOut]
    total: int


class RunOut(BaseModel):
    id: int
    occurrence: str
    reason: str
    due_at: StoredTime
    status: str
    started_at: StoredTime | None
    finished_at: StoredTime | None
    total: int
    processed: int

    @classmethod
    def of(cls, row: RunRow, progress: list[dict[str, int]]) -> RunOut:
        return cls(
            id=row.id, occurrence=row.occurrence, reason=row.reason, due_at=row.due_at,
            status=row.status, started_at=row.started_at, finished_at=row.finished_at,
            total=sum(p.get("total", 0) for p in progress),
            processed=sum(p.get("sent", 0) for p in progress),
        )  # fmt: skip


class LogEntryOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{
            "id": "1764579600000-0", "at": "2026-12-01T09:00:00Z",
            "idempotency_key": "a1:seg:4:entered:p102971", "player_id": "102971",
            "outcome": "dispatched", "reason": "entered", "occurrence": "seg:4:entered",
        }]}
    )  # fmt: skip

    id: str
    at: datetime
    idempotency_key: str
    player_id: str
    outcome: str
    reason: str
    occurrence: str


class LogPage(BaseModel):
    items: list[LogEntryOut]
    #: Pass as ``before`` for the next (older) page; None at the end.
    next: str | None


class ChannelSettingsIn(BaseModel):
    frequency_cap: FrequencyCap | None = None
    rate_limit_per_s: float | None = Field(None, ge=0)


class ChannelSettingsOut(ChannelSettingsIn):
    channel: str
