"""Player state, profiles, card sets and the stream clock in Redis (ADR 0001).

Everything per player is written by one Lua script per player, pipelined per batch.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

import orjson
from redis.asyncio import Redis

from card_svc.adapters.state_cache import StateCache
from card_svc.domain.state import PlayerState
from card_svc.settings import SERVICE
from segshared.keys import Keys
from segshared.members import scan_members
from segshared.redis_client import load_script
from segshared.topics import CARD_MEMBERSHIP

LUA = "card_svc.adapters.lua"
STATS = "stats:card-svc"


@dataclass
class Commit:
    """Everything to write for one player after an evaluation."""

    p: int
    state: PlayerState
    profile: dict[str, str]
    due_ms: int | None
    add: Sequence[int] = ()
    remove: Sequence[int] = ()
    outbox: Sequence[bytes] = field(default_factory=list)


class StateStore:
    """Async access to card-svc's Redis keys."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._commit = load_script(redis, LUA, "commit_player.lua")
        self._clock_max = load_script(redis, LUA, "clock_max.lua")
        self.cache = StateCache()

    async def load(self, p: int, players: Sequence[str]) -> list[PlayerState | None]:
        """States of ``players`` of shard ``p`` (None: never seen), one round trip."""
        if not players:
            return []
        keys = [self.keys.player_state(p, pid) for pid in players]
        raw = await self.redis.mget(keys)
        take = self.cache.take
        return [
            (take(k, r) or PlayerState.from_json(r)) if r else None
            for k, r in zip(keys, raw, strict=True)
        ]

    async def commit(self, commits: Iterable[Commit]) -> int:
        """Apply every commit (one script call each) in one pipelined round trip."""
        pipe = self.redis.pipeline(transaction=False)
        n = 0
        written: list[tuple[str, bytes, PlayerState]] = []
        for c in commits:
            k, pid = self.keys, c.state.player_id
            state_json = c.state.to_json()
            written.append((k.player_state(c.p, pid), state_json, c.state))
            keys = [
                k.player_state(c.p, pid),
                k.player_profile(c.p, pid),
                k.known_players(c.p),
                k.due(c.p),
                k.outbox(c.p, SERVICE),
                *(k.card(c.p, card) for card in (*c.add, *c.remove)),
            ]
            args: list[str | bytes | int] = [
                pid,
                state_json,
                "" if c.due_ms is None else c.due_ms,
                CARD_MEMBERSHIP,
                len(c.add),
                len(c.remove),
                orjson.dumps(c.profile) if c.profile else "",
                len(c.outbox),
                *c.outbox,
            ]
            await self._commit(keys=keys, args=args, client=pipe)
            n += 1
        if n:
            await pipe.execute()
        # Only after Redis has the bytes: a failed commit leaves nothing cached.
        for key, raw, state in written:
            self.cache.put(key, raw, state)
        return n

    async def advance_clock(self, ms: int) -> int:
        """Move the stream clock to at least ``ms``; returns the clock."""
        return int(await self._clock_max(keys=[self.keys.stream_clock()], args=[ms]))

    async def clock(self) -> int | None:
        raw = await self.redis.get(self.keys.stream_clock())
        return int(raw) if raw is not None else None

    async def due_players(self, p: int, upto_ms: int, limit: int) -> list[tuple[str, int]]:
        """Players of shard ``p`` whose due time is at or before ``upto_ms``, soonest first."""
        rows = await self.redis.zrangebyscore(
            self.keys.due(p), "-inf", upto_ms, start=0, num=limit, withscores=True
        )
        return [(_s(m), int(score)) for m, score in cast(list[tuple[bytes, float]], rows)]

    async def drop_due(self, p: int, players: Sequence[str]) -> None:
        if players:
            await self.redis.zrem(self.keys.due(p), *players)

    def scan_players(self, p: int, batch: int) -> AsyncIterator[list[str]]:
        return scan_members(self.redis, self.keys.known_players(p), batch)

    def scan_card(self, p: int, card_id: int, batch: int) -> AsyncIterator[list[str]]:
        return scan_members(self.redis, self.keys.card(p, card_id), batch)

    async def card_revisions(self, p: int) -> dict[int, int]:
        raw = await self.redis.hgetall(self.keys.card_revisions(p))
        return {int(k): int(v) for k, v in raw.items()}

    async def set_card_revision(self, p: int, card_id: int, revision: int) -> None:
        await self.redis.hset(self.keys.card_revisions(p), str(card_id), str(revision))

    async def forget_card(self, p: int, card_id: int) -> None:
        """Drop a deleted card's shard set and remembered revision."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.delete(self.keys.card(p, card_id))
        pipe.hdel(self.keys.card_revisions(p), str(card_id))
        await pipe.execute()

    async def count(self, **counters: int) -> None:
        """Add to card-svc's counters (applied, duplicate, late, ...)."""
        pipe = self.redis.pipeline(transaction=False)
        for name, n in counters.items():
            if n:
                pipe.hincrby(self.stats_key, name, n)
        await pipe.execute()

    @property
    def stats_key(self) -> str:
        return f"{self.keys.prefix}{STATS}"


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
