"""Per-player segment memberships in Redis: the worker's incremental path.

Each batch costs two round trips: one script call per shard reads the players' segments and
applied events, one per shard applies their outcomes. Atomicity is per call, so every
player's set changes, outbox events and applied events are written together. The scripts
build the players' keys from per-shard prefixes (all in slot ``{p}``, like the declared
outbox key) rather than taking thousands of declared keys: packing each argument costs the
client more than the whole script costs Redis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from redis.asyncio import Redis

from segment_svc.domain.changes import PlayerChanges, PlayerState
from segment_svc.settings import SERVICE
from segshared.keys import Keys
from segshared.redis_client import load_script
from segshared.topics import SEGMENT_MEMBERSHIP

#: Players per script call: bounds how long one call holds Redis.
CHUNK = 500


def applied_events_key(keys: Keys, shard: int, player_id: str) -> str:
    """List of fingerprints of the card events last applied to a player (newest first).

    Not (yet) in ``segshared.keys``: only segment-svc reads it. Same hash tag as the player's
    other keys, so the apply script writes it atomically with them.
    """
    return f"{keys.prefix}segapplied:{{{shard}}}:{player_id}"


def _chunks(indexes: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(indexes), CHUNK):
        yield indexes[i : i + CHUNK]


class MembershipStore:
    """Reads players' segments and applied events; applies their outcomes."""

    def __init__(self, *, redis: Redis, keys: Keys, applied_kept: int = 32,
                 applied_ttl_s: int = 86_400, topic: str = SEGMENT_MEMBERSHIP) -> None:  # fmt: skip
        self._redis = redis
        self._keys = keys
        self._kept = applied_kept
        self._ttl_s = applied_ttl_s
        self._topic = topic
        self._read = load_script(redis, "segment_svc.adapters", "lua/read_players.lua")
        self._apply = load_script(redis, "segment_svc.adapters", "lua/apply_players.lua")

    def _prefixes(self, shard: int) -> tuple[str, str, str]:
        """Key prefixes of shard ``shard`` (a player or segment id completes each)."""
        segment_prefix = self._keys.segment(shard, 0).removesuffix("0")
        return (
            self._keys.player_segments(shard, ""),
            applied_events_key(self._keys, shard, ""),
            segment_prefix,
        )

    async def states(
        self, players: Sequence[tuple[int, str, Sequence[bytes]]]
    ) -> list[PlayerState]:
        """Each ``(shard, player, fingerprints)``'s segments and which were applied."""
        by_shard: dict[int, list[int]] = defaultdict(list)
        for i, (shard, _, _) in enumerate(players):
            by_shard[shard].append(i)
        calls: list[list[int]] = []
        pipe = self._redis.pipeline(transaction=False)
        for shard, indexes in by_shard.items():
            psegs, applied, _ = self._prefixes(shard)
            for chunk in _chunks(indexes):
                args: list[str | bytes] = [psegs, applied]
                for i in chunk:
                    args += [players[i][1], b"".join(players[i][2])]
                await self._read(keys=[self._keys.outbox(shard, SERVICE)], args=args,
                                 client=pipe)  # fmt: skip
                calls.append(chunk)
        states: list[PlayerState | None] = [None] * len(players)
        for chunk, reply in zip(calls, await pipe.execute(), strict=True):
            for j, i in enumerate(chunk):
                segs, flags = reply[2 * j], reply[2 * j + 1]
                marks = players[i][2]
                states[i] = PlayerState(
                    frozenset(int(s) for s in segs.split(b",")) if segs else frozenset(),
                    frozenset(m for m, f in zip(marks, flags, strict=True) if f == 49),  # "1"
                )
        return [s for s in states if s is not None]

    async def apply(self, batch: Sequence[PlayerChanges]) -> int:
        """Apply every player's outcome; returns the events appended to the outbox."""
        by_shard: dict[int, list[int]] = defaultdict(list)
        for i, item in enumerate(batch):
            by_shard[item.shard].append(i)
        if not by_shard:
            return 0
        pipe = self._redis.pipeline(transaction=False)
        for shard, indexes in by_shard.items():
            head: list[str | bytes | int] = [self._topic, self._kept, self._ttl_s]
            head += self._prefixes(shard)
            for chunk in _chunks(indexes):
                args: list[str | bytes | int] = list(head)
                for i in chunk:
                    item = batch[i]
                    spec = ",".join(f"{c.segment_id}{'+' if c.enter else '-'}"
                                    for c in item.changes)  # fmt: skip
                    bodies = b"\n".join(c.event for c in item.changes)
                    marks = b"".join(item.applied[-self._kept :])  # the newest are enough
                    args += [item.player_id, marks, spec, bodies]
                await self._apply(keys=[self._keys.outbox(shard, SERVICE)], args=args,
                                  client=pipe)  # fmt: skip
        return int(sum(await pipe.execute()))
