"""Read models over segment shard sets: sizes, readiness and member pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from segment_svc.adapters.set_algebra import run_set_program
from segshared.keys import Keys
from segshared.members import MembersPage, members_page
from segshared.rules import SetOp


@dataclass(frozen=True, slots=True)
class SegmentStats:
    count: int
    ready: bool


class SegmentViews:
    """Sizes (sum of the shards' SCARDs), readiness (every shard built to the revision), pages."""

    def __init__(self, *, redis: Redis, keys: Keys, partitions: int) -> None:
        self._redis = redis
        self._keys = keys
        self._partitions = partitions

    def shard_keys(self, segment_id: int) -> list[str]:
        return [self._keys.segment(p, segment_id) for p in range(self._partitions)]

    async def stats(self, segments: Sequence[tuple[int, int]]) -> dict[int, SegmentStats]:
        """``(segment id, revision)`` -> its stats, in one pipelined round trip."""
        if not segments:
            return {}
        pipe = self._redis.pipeline(transaction=False)
        for segment_id, _ in segments:
            for p in range(self._partitions):
                pipe.scard(self._keys.segment(p, segment_id))
                pipe.hget(self._keys.segment_revisions(p), str(segment_id))
        replies = await pipe.execute()
        stats: dict[int, SegmentStats] = {}
        step = 2 * self._partitions
        for i, (segment_id, revision) in enumerate(segments):
            chunk = replies[i * step : (i + 1) * step]
            count = sum(int(c) for c in chunk[0::2])
            ready = all(r is not None and int(r) == revision for r in chunk[1::2])
            stats[segment_id] = SegmentStats(count=count, ready=ready)
        return stats

    async def page(
        self,
        shard_keys: Sequence[str],
        *,
        columns: Sequence[str],
        sort: str | None,
        descending: bool,
        offset: int,
        limit: int,
        reveal_anonymized: bool,
    ) -> MembersPage:
        """A sorted page of the members of ``shard_keys`` (one key per shard, in shard order)."""
        return await members_page(
            self._redis,
            shard_keys=shard_keys,
            profile_key=self._keys.player_profile,
            columns=columns,
            sort=sort,
            descending=descending,
            offset=offset,
            limit=limit,
            reveal_anonymized=reveal_anonymized,
        )

    async def run_program(
        self, ops: Sequence[SetOp], *, scratch: Sequence[str], ttl_s: int
    ) -> None:
        """Run an execute's set algebra for one shard (see :func:`run_set_program`)."""
        await run_set_program(self._redis, ops, scratch=scratch, ttl_s=ttl_s)

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    async def delete(self, keys: Sequence[str]) -> None:
        if keys:
            await self._redis.delete(*keys)
