"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

Name = Field(min_length=1, max_length=200)
# Examples from the default catalog on the real bets (docs/default-catalog.md).
HIGH_ROLLERS_RULE: dict[str, Any] = {
    "metric": {"fn": "max", "event": "bet_placed", "property": "amount"},
    "op": "gte",
    "value": 10000,
}
HIGH_ROLLERS: dict[str, Any] = {
    "name": "High rollers",
    "description": "Biggest single stake at least 10,000 bits",
    "rule": HIGH_ROLLERS_RULE,
}
# The two biggest losers of High rollers after the replay (an oracle count over the file).
BIGGEST_LOSERS: list[JsonValue] = [
    {"player_id": "102971", "bets_count": 47, "net_result": -1465227.51},
    {"player_id": "100589", "bets_count": 2, "net_result": -1245000.0},
]


class CardCreate(BaseModel):
    """A rule card; see docs/rule-language.md for ``rule``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [HIGH_ROLLERS]})

    name: str = Name
    description: str = Field("", max_length=2000)
    rule: dict[str, Any]


class CardUpdate(BaseModel):
    """Only the given members change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"rule": {**HIGH_ROLLERS_RULE, "value": 20000}}]},
    )

    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    rule: dict[str, Any] | None = None


class CardOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{
            "id": 1, **HIGH_ROLLERS, "kind": "rule", "revision": 1,
            "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z",
            "count": 627, "ready": True,
        }]}
    )  # fmt: skip

    id: int
    name: str
    description: str
    kind: Literal["rule", "static"]
    rule: dict[str, Any] | None
    revision: int
    created_at: datetime
    updated_at: datetime
    count: int = Field(description="players in the card now (sum over shards)")
    ready: bool = Field(description="every shard has evaluated this revision")


class CardPage(BaseModel):
    items: list[CardOut]
    total: int


class MembersPageOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{
            "items": BIGGEST_LOSERS, "total": 627, "offset": 0, "limit": 2,
            "columns": ["player_id", "bets_count", "net_result"],
        }]}
    )  # fmt: skip

    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    columns: list[str]
