"""Pages of a card's or segment's members, sorted by any profile field.

Members are read shard by shard with SSCAN and their sort values fetched in pipelined
batches; a bounded heap keeps only ``offset + limit`` rows, so memory does not grow with the
set. Rows with no value sort last in both directions; ties are broken by player id.
Anonymized fields are masked unless the caller may see them (`segshared.masking`).
"""

from __future__ import annotations

import heapq
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from functools import total_ordering
from typing import Any

from redis.asyncio import Redis

from segshared.fields import decode_field_value, field_spec
from segshared.masking import MASK, check_sort_visible, masked_columns

PLAYER_ID = "player_id"
SCAN_BATCH = 1000


@dataclass(frozen=True)
class MembersPage:
    total: int
    items: list[dict[str, Any]]


@total_ordering
class _Desc:
    """Wraps a value so that ascending order of wrappers is descending order of values."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.value == other.value

    def __lt__(self, other: _Desc) -> bool:
        return bool(other.value < self.value)


def player_order(player_id: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order, then other ids in text order."""
    return (0, int(player_id), "") if player_id.isdigit() else (1, 0, player_id)


async def scan_members(redis: Redis, key: str, batch: int = SCAN_BATCH) -> AsyncIterator[list[str]]:
    """The members of one shard set, ``batch`` at a time (SSCAN: no full read)."""
    cursor = 0
    while True:
        cursor, chunk = await redis.sscan(key, cursor=cursor, count=batch)
        if chunk:
            yield [m.decode() if isinstance(m, bytes) else m for m in chunk]
        if cursor == 0:
            return


async def count_members(redis: Redis, shard_keys: Sequence[str]) -> int:
    """Exact size: the sum of the shards' SCARDs."""
    pipe = redis.pipeline(transaction=False)
    for key in shard_keys:
        pipe.scard(key)
    return int(sum(await pipe.execute()))


async def members_page(
    redis: Redis,
    *,
    shard_keys: Sequence[str],
    profile_key: Callable[[int, str], str],
    columns: Sequence[str],
    sort: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
    reveal_anonymized: bool = False,
) -> MembersPage:
    """One page of members; ``shard_keys[p]`` is the set of shard ``p``.

    RuleError at ``sort`` when sorting by a field the caller sees masked.
    """
    check_sort_visible(sort, reveal_anonymized=reveal_anonymized)
    masked = masked_columns(columns, reveal_anonymized=reveal_anonymized)
    total = await count_members(redis, shard_keys)
    want = offset + limit
    sort_field = sort if sort and sort != PLAYER_ID else None
    kept: list[tuple[Any, ...]] = []
    for p, key in enumerate(shard_keys):
        async for chunk in scan_members(redis, key):
            values = await _field_values(redis, p, chunk, sort_field, profile_key)
            rows = [
                (*_sort_key(player_id, value, sort_field, descending), p, player_id)
                for player_id, value in zip(chunk, values, strict=True)
            ]
            # Keep only the best ``want`` rows seen so far: memory is O(offset + limit).
            kept = heapq.nsmallest(want, kept + rows)
    ordered = kept[offset:want]
    members = [(r[-2], r[-1]) for r in ordered]
    fetched = await _rows(redis, members, [c for c in columns if c not in masked], profile_key)
    order = list(dict.fromkeys([PLAYER_ID, *columns]))
    items = [{c: MASK if c in masked else row[c] for c in order} for row in fetched]
    return MembersPage(total=total, items=items)


def _sort_key(
    player_id: str, value: Any, sort_field: str | None, descending: bool
) -> tuple[Any, ...]:
    order = player_order(player_id)
    if sort_field is None:
        return (_Desc(order) if descending else order,)
    missing = value is None
    keyed = None if missing else (_Desc(value) if descending else value)
    return (missing, keyed if not missing else 0, order)


async def _field_values(
    redis: Redis,
    p: int,
    players: Sequence[str],
    field: str | None,
    profile_key: Callable[[int, str], str],
) -> list[Any]:
    if field is None:
        return [None] * len(players)
    spec = field_spec(field)
    pipe = redis.pipeline(transaction=False)
    for player_id in players:
        pipe.hget(profile_key(p, player_id), field)
    raw = await pipe.execute()
    return [decode_field_value(spec, r) if spec else None for r in raw]


async def _rows(
    redis: Redis,
    members: Sequence[tuple[int, str]],
    columns: Sequence[str],
    profile_key: Callable[[int, str], str],
) -> list[dict[str, Any]]:
    stored = [c for c in columns if c != PLAYER_ID]
    if not stored:
        return [{PLAYER_ID: player_id} for _, player_id in members]
    pipe = redis.pipeline(transaction=False)
    for p, player_id in members:
        pipe.hmget(profile_key(p, player_id), stored)
    rows: list[dict[str, Any]] = []
    for (_, player_id), values in zip(members, await pipe.execute(), strict=True):
        row: dict[str, Any] = {PLAYER_ID: player_id}
        for column, raw in zip(stored, values, strict=True):
            spec = field_spec(column)
            row[column] = decode_field_value(spec, raw) if spec else None
        rows.append(row)
    return rows
