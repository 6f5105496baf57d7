"""Whole-segment builds in Redis: set algebra into a fresh key, then an atomic swap."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from segment_svc.adapters.set_algebra import run_set_program
from segment_svc.settings import SERVICE
from segshared.keys import Keys
from segshared.members import scan_members
from segshared.redis_client import load_script
from segshared.rules import SetOp
from segshared.topics import SEGMENT_MEMBERSHIP


class BuildStore:
    """Builds, swaps and drops shard sets; keeps ``segrev:{p}`` in step."""

    def __init__(self, *, redis: Redis, keys: Keys, topic: str = SEGMENT_MEMBERSHIP) -> None:
        self._redis = redis
        self._keys = keys
        self._topic = topic
        self._swap = load_script(redis, "segment_svc.adapters", "lua/swap_build.lua")

    async def built_revisions(self, shard: int) -> dict[int, int]:
        """segment id -> revision shard ``shard`` was last built to."""
        raw = await self._redis.hgetall(self._keys.segment_revisions(shard))
        return {int(k): int(v) for k, v in raw.items()}

    async def stream_clock_ms(self) -> int | None:
        raw = await self._redis.get(self._keys.stream_clock())
        return int(raw) if raw is not None else None

    async def run_program(
        self, ops: Sequence[SetOp], *, scratch: Sequence[str], ttl_s: int
    ) -> None:
        """Run the set algebra of one shard build (see :func:`run_set_program`)."""
        await run_set_program(self._redis, ops, scratch=scratch, ttl_s=ttl_s)

    async def swap(
        self,
        *,
        shard: int,
        segment_id: int,
        revision: int,
        build_key: str,
        cause_event_id: str,
        occurred_at: str,
        dependents: Sequence[int],
    ) -> tuple[int, int]:
        """Swap ``build_key`` in as the live shard set; emits entered/exited for the difference."""
        keys = [
            build_key,
            self._keys.segment(shard, segment_id),
            self._keys.segment_revisions(shard),
            self._keys.outbox(shard, SERVICE),
        ]
        args: list[str | int] = [
            segment_id,
            revision,
            self._keys.player_segments(shard, ""),
            self._topic,
            cause_event_id,
            occurred_at,
            *dependents,
        ]
        entered, exited = await self._swap(keys=keys, args=args)
        return int(entered), int(exited)

    async def drop(self, *, shard: int, segment_id: int) -> int:
        """Remove a deleted segment's shard set and its players' index entries (no events:
        the deletion itself is announced on segment.lifecycle). Resumable: segrev goes last."""
        live = self._keys.segment(shard, segment_id)
        dropped = 0
        async for chunk in scan_members(self._redis, live):
            pipe = self._redis.pipeline(transaction=False)
            for player_id in chunk:
                pipe.srem(self._keys.player_segments(shard, player_id), segment_id)
            pipe.srem(live, *chunk)
            await pipe.execute()
            dropped += len(chunk)
        pipe = self._redis.pipeline(transaction=False)
        pipe.delete(live)
        pipe.hdel(self._keys.segment_revisions(shard), str(segment_id))
        await pipe.execute()
        return dropped
