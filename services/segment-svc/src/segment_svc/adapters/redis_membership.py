"""Per-player segment memberships in Redis: the worker's incremental path."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from segment_svc.domain.changes import PlayerChanges
from segment_svc.settings import SERVICE
from segshared.keys import Keys
from segshared.redis_client import load_script
from segshared.topics import SEGMENT_MEMBERSHIP


class MembershipStore:
    """Reads the players' current segments and applies their changes, one script per player."""

    def __init__(self, *, redis: Redis, keys: Keys, topic: str = SEGMENT_MEMBERSHIP) -> None:
        self._redis = redis
        self._keys = keys
        self._topic = topic
        self._apply = load_script(redis, "segment_svc.adapters", "lua/apply_player.lua")

    async def segments_of(self, players: Sequence[tuple[int, str]]) -> list[frozenset[int]]:
        """Current segment ids of each ``(shard, player)``, in one pipelined round trip."""
        if not players:
            return []
        pipe = self._redis.pipeline(transaction=False)
        for shard, player_id in players:
            pipe.smembers(self._keys.player_segments(shard, player_id))
        return [frozenset(int(s) for s in members) for members in await pipe.execute()]

    async def apply(self, batch: Sequence[PlayerChanges]) -> int:
        """Apply every player's changes (pipelined scripts); returns the events appended."""
        if not batch:
            return 0
        pipe = self._redis.pipeline(transaction=False)
        for item in batch:
            keys = [
                self._keys.player_segments(item.shard, item.player_id),
                self._keys.outbox(item.shard, SERVICE),
            ]
            args: list[str | bytes | int] = [item.player_id, self._topic]
            for change in item.changes:
                keys.append(self._keys.segment(item.shard, change.segment_id))
                args += [change.segment_id, "1" if change.enter else "0", change.event]
            await self._apply(keys=keys, args=args, client=pipe)
        return int(sum(await pipe.execute()))
