"""Triggers that wait: delayed ones (until due) and those that came while an action was paused.

Both are written before the batch that produced them is committed to Kafka, so a crash loses
none; a redelivery may write one twice, which the dispatch dedupe absorbs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from redis.asyncio import Redis

from action_svc.adapters.action_keys import ActionKeys


@dataclass(frozen=True, slots=True)
class Waiting:
    """A trigger to dispatch later: what the candidate needs, in plain values."""

    action_id: int
    shard: int
    player_id: str
    occurrence: str
    reason: str
    cause_event_id: str | None

    def encode(self) -> bytes:
        return orjson.dumps([self.action_id, self.shard, self.player_id, self.occurrence,
                             self.reason, self.cause_event_id])  # fmt: skip

    @classmethod
    def decode(cls, raw: Any) -> Waiting:
        a, s, p, o, r, c = orjson.loads(raw)
        return cls(int(a), int(s), str(p), str(o), str(r), c)


class TriggerStore:
    def __init__(self, *, redis: Redis, keys: ActionKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def delay(self, items: Sequence[tuple[Waiting, int]]) -> None:
        """Keep each trigger until its due time (epoch ms)."""
        if not items:
            return
        by_shard: dict[int, dict[bytes, int]] = defaultdict(dict)
        for waiting, due_ms in items:
            by_shard[waiting.shard][waiting.encode()] = due_ms
        pipe = self._redis.pipeline(transaction=False)
        for shard, mapping in by_shard.items():
            pipe.zadd(self._keys.delayed(shard), mapping)
        await pipe.execute()

    async def due(self, shard: int, now_ms: int, limit: int) -> list[tuple[Any, Waiting]]:
        raw = await self._redis.zrangebyscore(self._keys.delayed(shard), "-inf", now_ms,
                                              start=0, num=limit)  # fmt: skip
        return [(member, Waiting.decode(member)) for member in raw]

    async def forget_delayed(self, shard: int, members: Sequence[Any]) -> None:
        if members:
            await self._redis.zrem(self._keys.delayed(shard), *members)

    async def keep_missed(self, items: Sequence[Waiting]) -> None:
        """Remember triggers of paused actions, for a resume that asks to replay them."""
        if not items:
            return
        pipe = self._redis.pipeline(transaction=False)
        for waiting in items:
            pipe.rpush(self._keys.missed(waiting.shard, waiting.action_id), waiting.encode())
        await pipe.execute()

    async def peek_missed(self, shard: int, action_id: int, limit: int) -> list[Waiting]:
        """The oldest ``limit`` missed triggers (``drop_missed`` them once handled)."""
        raw = await self._redis.lrange(self._keys.missed(shard, action_id), 0, limit - 1)
        return [Waiting.decode(member) for member in raw]

    async def drop_missed(self, shard: int, action_id: int, n: int) -> None:
        await self._redis.ltrim(self._keys.missed(shard, action_id), n, -1)

    async def has_missed(self, pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Which ``(shard, action)`` pairs have missed triggers waiting."""
        pipe = self._redis.pipeline(transaction=False)
        for shard, action_id in pairs:
            pipe.exists(self._keys.missed(shard, action_id))
        return [pair for pair, n in zip(pairs, await pipe.execute(), strict=True) if n]
