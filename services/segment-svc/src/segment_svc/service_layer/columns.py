"""Columns and sort fields of member tables: player fields from the shared registry."""

from __future__ import annotations

from collections.abc import Sequence

from segshared.fields import field_spec
from segshared.members import PLAYER_ID
from segshared.rules import RuleError

DEFAULT_COLUMNS = (PLAYER_ID,)


def check_columns(columns: Sequence[str] | None, sort: str | None) -> tuple[list[str], str | None]:
    """Known columns (default ``player_id``) and sort field, or RuleError naming the bad one."""
    chosen = list(columns) if columns else list(DEFAULT_COLUMNS)
    for i, name in enumerate(chosen):
        if field_spec(name) is None:
            raise RuleError(f"columns[{i}]", f"unknown field {name!r}; see GET /fields of card-svc")
    if sort is not None and sort != PLAYER_ID and field_spec(sort) is None:
        raise RuleError("sort", f"unknown field {sort!r}; see GET /fields of card-svc")
    return list(dict.fromkeys(chosen)), sort
