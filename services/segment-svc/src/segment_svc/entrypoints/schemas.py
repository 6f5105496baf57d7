"""Request and response bodies of the segment-svc HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
_NODE = (
    'A node: {"and": [...]}, {"or": [...]}, {"card": <id>} or {"segment": <id>}. '
    "See docs/rule-language.md."
)
EXAMPLE_INCLUDE = {"and": [{"card": 1}, {"or": [{"card": 4}, {"segment": 2}]}]}


class SegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description = ""
    include: Any = Field(description=_NODE, examples=[EXAMPLE_INCLUDE])
    exclude: Any = Field(
        None, description=_NODE + " Members of it are left out.", examples=[{"or": [{"card": 7}]}]
    )


class SegmentUpdate(BaseModel):
    """Only the fields present change; ``"exclude": null`` removes the exclude block."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None
    include: Any = Field(None, description=_NODE)
    exclude: Any = Field(None, description=_NODE)


class CloneRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = Field(None, description='Default: "<name> (copy)", made unique.')


class SegmentOut(BaseModel):
    id: int
    name: str
    description: str
    include: Any
    exclude: Any | None
    revision: int = Field(description="Grows with every change of the segment.")
    cloned_from: int | None
    created_at: datetime
    updated_at: datetime
    count: int = Field(description="Members now: the sum of the shard sets' sizes.")
    ready: bool = Field(description="Every shard has been built to this revision.")


class SegmentList(BaseModel):
    items: list[SegmentOut]
    total: int


class ExecuteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    include: Any = Field(description=_NODE, examples=[EXAMPLE_INCLUDE])
    exclude: Any = Field(None, description=_NODE)
    columns: list[str] | None = Field(None, description="Profile fields; default player_id.")
    sort: str | None = Field(None, description="A profile field; default player_id.")
    order: Literal["asc", "desc"] = "asc"
    limit: int = Field(50, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class ExecuteResult(BaseModel):
    count: int = Field(description="Exact number of players matching the definition.")
    items: list[dict[str, Any]]


class MembersOut(BaseModel):
    total: int
    items: list[dict[str, Any]]
