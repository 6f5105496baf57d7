"""Members and their profile fields, read from Redis as a snapshot, a chunk at a time.

Snapshot: at the start of an export each shard set is copied into a private list with one
``SORT <set> ALPHA STORE <list>`` (atomic per shard, with its TTL in the same MULTI). A player
lives in exactly one shard, so the per-shard copies together are the membership at that moment:
no player missing or repeated, whatever moves meanwhile. An unsaved definition is computed by
its set algebra into a scratch set and stored the same way, in one MULTI per shard.

Chunks: ``SORT <list> BY nosort LIMIT start n GET # GET player:{p}:*->field ...`` returns the
member ids and their fields, row after row, in one reply. On a list with ``nosort`` Redis reads
only the requested range, so each chunk costs O(n), the reader holds one chunk at a time, and
a chunk can be read again (no destructive pop). Every key touched is in slot ``{p}``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from segshared.keys import Keys
from segshared.rules import SegmentDefinition, SetProgram
from segshared.shard_programs import shard_program


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One private list per shard (``keys[p]``) and its length."""

    keys: tuple[str, ...]
    sizes: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.sizes)


class RedisMembers:
    """Snapshots and chunk reads; ``redis`` must decode responses (hiredis does it in C)."""

    def __init__(self, *, redis: Redis, keys: Keys, partitions: int, ttl_s: int) -> None:
        self._redis = redis
        self._keys = keys
        self.partitions = partitions
        self._ttl_s = ttl_s

    def _snapshot_key(self, p: int, token: str) -> str:
        return self._keys.scratch(p, f"export:{token}")

    def shard_sets(self, kind: str, source_id: int) -> list[str]:
        """The shard sets of a segment or card."""
        key = self._keys.segment if kind == "segment" else self._keys.card
        return [key(p, source_id) for p in range(self.partitions)]

    async def snapshot_sets(self, shard_sets: Sequence[str], token: str) -> Snapshot:
        """Copy each shard set into a private list (one atomic MULTI per shard)."""
        dests = [self._snapshot_key(p, token) for p in range(self.partitions)]

        async def copy(src: str, dest: str) -> int:
            # Numeric ids sort 40% faster numerically; any other id makes Redis refuse, and
            # the text order is used instead. Either way the copy is one atomic command.
            try:
                return await self._copy(src, dest, alpha=False)
            except ResponseError:
                return await self._copy(src, dest, alpha=True)

        sizes = await asyncio.gather(*(copy(s, d) for s, d in zip(shard_sets, dests, strict=True)))
        return Snapshot(tuple(dests), tuple(sizes))

    def _program(self, defn: SegmentDefinition, p: int, dest: str, token: str) -> SetProgram:
        """``defn``'s set algebra over shard ``p`` (the same program segment-svc builds with)."""
        return shard_program(defn, keys=self._keys, shard=p, dest=dest, token=f"export:{token}")

    async def _copy(self, src: str, dest: str, *, alpha: bool) -> int:
        # MULTI: the copy never exists without its TTL, even if this process dies.
        pipe = self._redis.pipeline(transaction=True)
        pipe.sort(src, alpha=alpha, store=dest)
        pipe.expire(dest, self._ttl_s)
        stored, _ = await pipe.execute()
        return int(stored)

    async def snapshot_definition(self, defn: SegmentDefinition, token: str) -> Snapshot:
        """Run ``defn``'s set algebra per shard and store the result like a shard set."""
        dests = [self._snapshot_key(p, token) for p in range(self.partitions)]
        sizes: list[int] = []
        for p, dest in enumerate(dests):
            work = self._keys.scratch(p, f"export:{token}:set")
            program = self._program(defn, p, work, token)
            pipe = self._redis.pipeline(transaction=True)  # one consistent read of the inputs
            for op in program.ops:
                pipe.execute_command(op.command, op.dest, *op.keys)
            pipe.sort(work, alpha=True, store=dest)
            pipe.expire(dest, self._ttl_s)
            pipe.delete(work, *program.scratch)
            replies = await pipe.execute()
            sizes.append(int(replies[len(program.ops)]))
        return Snapshot(tuple(dests), tuple(sizes))

    async def chunk(
        self, snapshot_key: str, shard: int, start: int, rows: int, fields: Sequence[str]
    ) -> list[str]:
        """``rows`` members from ``start``: id then ``fields`` per row, "" where absent."""
        pattern = self._keys.player_profile_pattern(shard)
        args: list[str | int] = [snapshot_key, "BY", "nosort", "LIMIT", start, rows, "GET", "#"]
        for name in fields:
            args += ["GET", f"{pattern}->{name}"]
        flat: list[str | None] = await self._redis.execute_command("SORT", *args)
        if None in flat:
            return [v if v is not None else "" for v in flat]
        return flat  # type: ignore[return-value]

    async def keep_alive(self, snapshot: Snapshot) -> None:
        """Push the TTL of a long export's snapshot further out."""
        pipe = self._redis.pipeline(transaction=False)
        for key in snapshot.keys:
            pipe.expire(key, self._ttl_s)
        await pipe.execute()

    async def drop(self, snapshot: Snapshot) -> None:
        if snapshot.keys:
            await self._redis.delete(*snapshot.keys)
