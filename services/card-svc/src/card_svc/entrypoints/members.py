"""The members table of a card, and the field registry it draws its columns from."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from card_svc.entrypoints.deps import ApiDeps
from card_svc.entrypoints.errors import InvalidInput
from segshared.fields import FIELDS, field_spec
from segshared.inputs import RowId
from segshared.members import members_page


def parse_columns(columns: str, sort: str | None) -> list[str]:
    """Known field names (custom attributes too), player_id first; 422 names the unknown."""
    names = [c.strip() for c in columns.split(",") if c.strip()] or ["player_id"]
    for name in [*names, *([sort] if sort else [])]:
        if field_spec(name) is None:
            where = "columns" if name in names else "sort"
            raise InvalidInput(where, f"unknown field {name!r}; see GET /fields")
    if "player_id" in names:
        names.remove("player_id")
    return ["player_id", *dict.fromkeys(names)]


async def members_of(
    deps: ApiDeps,
    card_id: RowId,
    *,
    columns: str,
    sort: str | None,
    order: str,
    offset: int,
    limit: int,
    reveal_anonymized: bool,
) -> dict[str, Any]:
    """One sorted page over the card's shard sets."""
    names = parse_columns(columns, sort)
    keys = deps.settings.keys
    page = await members_page(
        deps.redis,
        shard_keys=[keys.card(p, card_id) for p in range(deps.settings.partitions)],
        profile_key=keys.player_profile,
        columns=names,
        sort=sort,
        descending=order == "desc",
        offset=offset,
        limit=limit,
        reveal_anonymized=reveal_anonymized,
    )
    return {
        "items": page.items,
        "total": page.total,
        "offset": offset,
        "limit": limit,
        "columns": names,
    }


def field_registry() -> list[dict[str, Any]]:
    """Every registered field (custom ``attributes.<name>`` fields are open-ended)."""
    return [asdict(spec) for spec in FIELDS]
