"""The members of an action's target (a segment's or card's shard sets), read from Redis.

Sends copy a shard set into a snapshot when they start and walk the copy with SSCAN in
chunks: memory stays flat in the target's size, and a member who joins or leaves meanwhile
neither gets a second message nor blocks the send.
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from action_svc.adapters.action_keys import ActionKeys

#: A snapshot outlives any plausible send; a finished send deletes its own at once.
SNAPSHOT_TTL_S = 7 * 86_400


class TargetSets:
    def __init__(self, *, redis: Redis, keys: ActionKeys) -> None:
        self._redis = redis
        self._keys = keys

    def shard_set(self, kind: str, target_id: int, shard: int) -> str:
        base = self._keys.keys
        return base.segment(shard, target_id) if kind == "segment" else base.card(shard, target_id)

    async def are_members(
        self, kind: str, target_id: int, players: Sequence[tuple[int, str]]
    ) -> list[bool]:
        """Whether each ``(shard, player)`` is a member of the target now."""
        pipe = self._redis.pipeline(transaction=False)
        for shard, player in players:
            pipe.sismember(self.shard_set(kind, target_id, shard), player)
        return [bool(flag) for flag in await pipe.execute()]

    async def progress(self, shard: int, run_id: int) -> dict[str, int]:
        raw = await self._redis.hgetall(self._keys.run_progress(shard, run_id))
        return {_text(k): int(v) for k, v in raw.items()}

    async def progress_all(self, shards: Sequence[int], run_id: int) -> list[dict[str, int]]:
        pipe = self._redis.pipeline(transaction=False)
        for shard in shards:
            pipe.hgetall(self._keys.run_progress(shard, run_id))
        return [{_text(k): int(v) for k, v in raw.items()} for raw in await pipe.execute()]

    async def take_snapshot(self, kind: str, target_id: int, shard: int, run_id: int) -> int:
        """Copy the shard set for the send; returns its size. Atomic: one MULTI in one slot."""
        snap = self._keys.snapshot(shard, run_id)
        progress = self._keys.run_progress(shard, run_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(snap)
        pipe.sunionstore(snap, [self.shard_set(kind, target_id, shard)])
        pipe.expire(snap, SNAPSHOT_TTL_S)
        pipe.scard(snap)
        results = await pipe.execute()
        total = int(results[-1])
        await self._redis.hset(progress, mapping={"snap": 1, "cursor": 0, "sent": 0,
                                                  "total": total, "done": 0})  # fmt: skip
        await self._redis.expire(progress, SNAPSHOT_TTL_S * 4)
        return total

    async def scan(self, shard: int, run_id: int, cursor: int, count: int) -> tuple[int, list[str]]:
        next_cursor, members = await self._redis.sscan(
            self._keys.snapshot(shard, run_id), cursor=cursor, count=count
        )
        return int(next_cursor), [_text(m) for m in members]

    async def advance(self, shard: int, run_id: int, cursor: int, sent: int) -> None:
        """Record progress after a chunk is committed (a crash before it redoes the chunk)."""
        progress = self._keys.run_progress(shard, run_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(progress, "cursor", cursor)
        pipe.hincrby(progress, "sent", sent)
        if cursor == 0:
            pipe.hset(progress, "done", 1)
            pipe.delete(self._keys.snapshot(shard, run_id))
        await pipe.execute()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
