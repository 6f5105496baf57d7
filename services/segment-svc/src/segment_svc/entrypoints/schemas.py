"""Request and response bodies of the segment-svc HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
_NODE = (
    'A node: {"and": [...]}, {"or": [...]}, {"card": <id>} or {"segment": <id>}. '
    "See docs/rule-language.md."
)
EXAMPLE_INCLUDE = {"and": [{"card": 1}, {"or": [{"card": 4}, {"segment": 2}]}]}
# Examples from the default catalog on the real bets (docs/default-catalog.md).
VIPS_AT_RISK: dict[str, Any] = {
    "name": "VIPs at risk",
    "description": "High rollers who have not bet for 7 days",
    "include": {"and": [{"card": 1}, {"card": 7}]},
}
# Their two biggest losers after the replay (an oracle count over the file).
VIPS_LOSERS: list[JsonValue] = [
    {"player_id": "100589", "bets_count": 2, "net_result": -1245000.0},
    {"player_id": "101385", "bets_count": 4, "net_result": -1072222.0},
]
EXECUTED_LOSERS: list[JsonValue] = [
    {"player_id": "102971", "bets_count": 47, "net_result": -1465227.51},
    {"player_id": "100097", "bets_count": 24, "net_result": -752148.77},
]


class SegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [VIPS_AT_RISK]})

    name: Name
    description: Description = ""
    include: Any = Field(description=_NODE, examples=[EXAMPLE_INCLUDE])
    exclude: Any = Field(
        None, description=_NODE + " Members of it are left out.", examples=[{"or": [{"card": 7}]}]
    )


class SegmentUpdate(BaseModel):
    """Only the fields present change; ``"exclude": null`` removes the exclude block."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"exclude": {"card": 11}}]}
    )

    name: Name | None = None
    description: Description | None = None
    include: Any = Field(None, description=_NODE)
    exclude: Any = Field(None, description=_NODE)


class CloneRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = Field(None, description='Default: "<name> (copy)", made unique.')


class SegmentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{
            "id": 1, **VIPS_AT_RISK, "exclude": None, "revision": 1, "cloned_from": None,
            "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z",
            "count": 354, "ready": True,
        }]}
    )  # fmt: skip

    id: int
    name: str
    description: str
    include: Any
    exclude: Any | None = None  # defaults: FastAPI drops nulls from documented examples
    revision: int = Field(description="Grows with every change of the segment.")
    cloned_from: int | None = None
    created_at: datetime
    updated_at: datetime
    count: int = Field(description="Members now: the sum of the shard sets' sizes.")
    ready: bool = Field(description="Every shard has been built to this revision.")


class SegmentList(BaseModel):
    items: list[SegmentOut]
    total: int


class ExecuteRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{
            "include": {"and": [{"card": 1}, {"card": 2}]}, "exclude": {"card": 6},
            "columns": ["bets_count", "net_result"], "sort": "net_result", "order": "asc",
            "limit": 2,
        }]},
    )  # fmt: skip

    include: Any = Field(description=_NODE, examples=[EXAMPLE_INCLUDE])
    exclude: Any = Field(None, description=_NODE)
    columns: list[str] | None = Field(None, description="Profile fields; default player_id.")
    sort: str | None = Field(None, description="A profile field; default player_id.")
    order: Literal["asc", "desc"] = "asc"
    limit: int = Field(50, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class ExecuteResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"count": 95, "items": EXECUTED_LOSERS}]}
    )

    count: int = Field(description="Exact number of players matching the definition.")
    items: list[dict[str, Any]]


class MembersOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"total": 354, "items": VIPS_LOSERS}]}
    )

    total: int
    items: list[dict[str, Any]]
