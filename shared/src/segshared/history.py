"""Size over time of cards and segments: sampled by the workers, read by the APIs' ``/history``.

A set's size is the sum of its shard sets' SCARDs. Each worker samples every set of its kind
on a timer and appends ``(time, size)`` to a capped sorted set only when the size differs
from the last point, so a quiet set costs nothing and the chart of the console shows real
history from the moment it is opened. The append is one Lua script: two workers sampling at
once cannot write the same size twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from redis.asyncio import Redis

from segshared.keys import Keys

log = logging.getLogger(__name__)

SetKind = Literal["card", "segment"]
#: Points kept per set: at one change a sampling interval, a few minutes of a busy replay
#: and weeks of a quiet set.
DEFAULT_CAP = 1000
#: A deleted set's history disappears this long after its last change.
DEFAULT_TTL_MS = 30 * 24 * 3600 * 1000

# KEYS[1] history; ARGV: at_ms, size, cap, ttl_ms. Members are "<at_ms>:<size>" (unique).
_APPEND = """
local last = redis.call('ZRANGE', KEYS[1], -1, -1)
if last[1] ~= nil then
  local size = string.match(last[1], ':(%d+)$')
  if size == ARGV[2] then return 0 end
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1] .. ':' .. ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""


@dataclass(frozen=True, slots=True)
class SizePoint:
    """The set had ``size`` members from ``at`` until the next point."""

    at: datetime
    size: int


class HistoryOut(BaseModel):
    """``GET /cards/{id}/history`` and ``GET /segments/{id}/history``: oldest point first."""

    id: int
    size: int
    points: list[SizePoint]


def _point(member: str) -> SizePoint:
    at_ms, size = member.split(":")
    return SizePoint(at=datetime.fromtimestamp(int(at_ms) / 1000, tz=UTC), size=int(size))


class SizeHistory:
    """The size history of every card or every segment (``kind``) in one Redis."""

    def __init__(
        self,
        *,
        redis: Redis,
        keys: Keys,
        kind: SetKind,
        cap: int = DEFAULT_CAP,
        ttl_ms: int = DEFAULT_TTL_MS,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._kind = kind
        self._cap = cap
        self._ttl_ms = ttl_ms
        self._append = redis.register_script(_APPEND)

    def _key(self, set_id: int) -> str:
        return self._keys.size_history(self._kind, set_id)

    async def record(self, sizes: Mapping[int, int], *, at_ms: int) -> list[int]:
        """Append each set's size if it changed; the ids whose size was appended.

        One pipelined round trip for every set (the pipeline loads the script if needed).
        """
        if not sizes:
            return []
        pipe = self._redis.pipeline(transaction=False)
        for set_id, size in sizes.items():
            args = [at_ms, size, self._cap, self._ttl_ms]
            await self._append(keys=[self._key(set_id)], args=args, client=pipe)
        replies = await pipe.execute()
        return [set_id for set_id, appended in zip(sizes, replies, strict=True) if appended]

    async def points(self, set_id: int, *, limit: int = DEFAULT_CAP) -> list[SizePoint]:
        """The newest ``limit`` points of one set, oldest first (empty: never sampled)."""
        members = await self._redis.zrange(self._key(set_id), -limit, -1)
        return [_point(m.decode() if isinstance(m, bytes) else str(m)) for m in members]

    async def forget(self, set_id: int) -> None:
        await self._redis.delete(self._key(set_id))


async def set_sizes(
    redis: Redis, shard_key: Callable[[int, int], str], ids: Iterable[int], partitions: int
) -> dict[int, int]:
    """Set id -> size (sum of its ``partitions`` shard sets), in one pipelined round trip."""
    wanted = list(ids)
    if not wanted:
        return {}
    pipe = redis.pipeline(transaction=False)
    for set_id in wanted:
        for p in range(partitions):
            pipe.scard(shard_key(p, set_id))
    replies: Sequence[int] = await pipe.execute()
    return {
        set_id: sum(int(n) for n in replies[i * partitions : (i + 1) * partitions])
        for i, set_id in enumerate(wanted)
    }


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class SizeSampler:
    """Samples the sizes of the sets ``ids()`` names into ``history``."""

    history: SizeHistory
    redis: Redis
    shard_key: Callable[[int, int], str]
    partitions: int
    ids: Callable[[], Awaitable[Iterable[int]]]
    clock_ms: Callable[[], int] = _now_ms
    #: Which shards this worker owns now. The sizes are global, so one worker samples them:
    #: the owner of shard 0 (with W workers, the others would only repeat its reads).
    owned: Callable[[], Iterable[int]] = lambda: (0,)

    async def sample_once(self) -> list[int]:
        """One round: the ids whose size changed since the last point."""
        if 0 not in self.owned():
            return []
        sizes = await set_sizes(self.redis, self.shard_key, await self.ids(), self.partitions)
        return await self.history.record(sizes, at_ms=self.clock_ms())

    async def run_forever(self, interval_s: float) -> None:
        """Sample every ``interval_s``; a failed round is logged and the next one tried."""
        while True:
            try:
                await self.sample_once()
            except Exception:  # Redis or the catalog may come back
                log.exception("size history sampling failed; retrying")
            await asyncio.sleep(interval_s)
