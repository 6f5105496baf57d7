"""The dispatch log and counts of an action, read across shards (and written by webhooks).

Each shard keeps its own stream and counts (written atomically with the dispatch itself, see
``lua/dispatch.lua``); a page of the log is a merge of the shards' newest entries.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from action_svc.adapters.action_keys import ActionKeys


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: str  # "<stream id>/<shard>": the paging cursor
    at_ms: int
    key: str
    player_id: str
    outcome: str
    reason: str
    occurrence: str


def _order(stream_id: bytes, shard: int) -> tuple[int, int, int]:
    ms, _, seq = stream_id.partition(b"-")
    return int(ms), int(seq), shard


class DispatchLog:
    def __init__(self, *, redis: Redis, keys: ActionKeys, partitions: int, log_max: int) -> None:
        self._redis = redis
        self._keys = keys
        self._partitions = partitions
        self._log_max = log_max

    async def stats(self, action_id: int) -> dict[str, int]:
        """``outcome -> count`` over every shard."""
        pipe = self._redis.pipeline(transaction=False)
        for p in range(self._partitions):
            pipe.hgetall(self._keys.stats(p, action_id))
        total: Counter[str] = Counter()
        for reply in await pipe.execute():
            for outcome, n in reply.items():
                total[outcome.decode()] += int(n)
        return dict(total)

    async def page(self, action_id: int, *, limit: int, before: str | None) -> list[LogEntry]:
        """The ``limit`` newest entries older than the cursor ``before`` (newest first)."""
        cursor = _parse_cursor(before)
        pipe = self._redis.pipeline(transaction=False)
        for p in range(self._partitions):
            high = "+"
            if cursor is not None:
                # Entries order by (stream id, shard): a shard after the cursor's must be
                # strictly older, one before it may share the cursor's stream id.
                high = cursor[0] if p < cursor[1] else "(" + cursor[0]
            pipe.xrevrange(self._keys.log(p, action_id), max=high, min="-", count=limit)
        merged: list[tuple[tuple[int, int, int], Any]] = []
        for p, entries in enumerate(await pipe.execute()):
            merged += [(_order(eid, p), (eid, p, fields)) for eid, fields in entries]
        newest = heapq.nlargest(limit, merged, key=lambda pair: pair[0])
        return [_entry(eid, p, fields) for _, (eid, p, fields) in newest]

    async def record(
        self, *, shard: int, action_id: int, key: str, player_id: str, outcome: str,
        reason: str = "", occurrence: str = "",
    ) -> None:  # fmt: skip
        """Log and count one outcome that happens after dispatch (webhook delivery)."""
        pipe = self._redis.pipeline(transaction=True)  # same slot: MULTI keeps them together
        pipe.xadd(
            self._keys.log(shard, action_id),
            {"k": key, "p": player_id, "o": outcome, "r": reason, "c": occurrence},
            maxlen=self._log_max,
            approximate=True,
        )
        pipe.hincrby(self._keys.stats(shard, action_id), outcome, 1)
        await pipe.execute()


def _parse_cursor(before: str | None) -> tuple[str, int] | None:
    if not before:
        return None
    stream_id, _, shard = before.partition("/")
    ms, _, seq = stream_id.partition("-")
    if not (ms.isdigit() and seq.isdigit() and shard.isdigit()):
        raise ValueError(f"before={before!r} is not a cursor this API returned")
    return stream_id, int(shard)


def _entry(stream_id: bytes, shard: int, fields: dict[bytes, bytes]) -> LogEntry:
    text = {k.decode(): v.decode() for k, v in fields.items()}
    sid = stream_id.decode()
    return LogEntry(
        id=f"{sid}/{shard}",
        at_ms=int(sid.partition("-")[0]),
        key=text.get("k", ""),
        player_id=text.get("p", ""),
        outcome=text.get("o", ""),
        reason=text.get("r", ""),
        occurrence=text.get("c", ""),
    )
