"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Name = Field(min_length=1, max_length=200)


class CardCreate(BaseModel):
    """A rule card; see docs/rule-language.md for ``rule``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Name
    description: str = Field("", max_length=2000)
    rule: dict[str, Any]


class CardUpdate(BaseModel):
    """Only the given members change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    rule: dict[str, Any] | None = None


class CardOut(BaseModel):
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
    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    columns: list[str]
