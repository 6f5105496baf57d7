"""Dispatch in Redis: profile reads for guards and placeholders, then one script call per
shard (``lua/dispatch.lua``) that dedupes, caps, enqueues on the outbox, logs and counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from action_svc.adapters.action_keys import ActionKeys
from segshared.redis_client import load_script

#: Items per script call: bounds how long one call holds Redis.
CHUNK = 500
OUTCOMES = ("dispatched", "capped", "suppressed", "duplicates")


@dataclass(frozen=True, slots=True)
class Prepared:
    """One (action, player, occurrence) ready to commit: guards decided, command built."""

    shard: int
    action_id: int
    key: str
    player_id: str
    occurrence: str
    topic: str
    suppressed: str | None  # the reason, when the player opted out
    caps: str  # "scope,max,window_ms;..." of every cap that applies
    body: bytes


def _chunks(items: Sequence[Prepared]) -> Iterator[Sequence[Prepared]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


class DispatchStore:
    def __init__(self, *, redis: Redis, keys: ActionKeys, dedupe_ttl_s: int, log_max: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl_ms = dedupe_ttl_s * 1000
        self._log_max = log_max
        self._script = load_script(redis, "action_svc.adapters", "lua/dispatch.lua")

    async def profiles(
        self, players: Sequence[tuple[int, str]], fields: Sequence[str]
    ) -> list[dict[str, str | None]]:
        """Each ``(shard, player)``'s values of ``fields`` as stored (strings, None if unset)."""
        if not fields or not players:
            return [dict.fromkeys(fields) for _ in players]
        pipe = self._redis.pipeline(transaction=False)
        profile = self._keys.keys.player_profile
        for shard, player in players:
            pipe.hmget(profile(shard, player), fields)
        rows = await pipe.execute()
        return [
            {f: (v.decode() if v is not None else None) for f, v in zip(fields, row, strict=True)}
            for row in rows
        ]

    async def commit(self, items: Sequence[Prepared], now_ms: int) -> Counter[str]:
        """Commit every item; returns counts of dispatched, capped, suppressed, duplicates."""
        by_shard: dict[int, list[Prepared]] = defaultdict(list)
        for item in items:
            by_shard[item.shard].append(item)
        if not by_shard:
            return Counter()
        pipe = self._redis.pipeline(transaction=False)
        for shard, shard_items in by_shard.items():
            head = self._head(shard, now_ms)
            for chunk in _chunks(shard_items):
                args: list[str | bytes | int] = list(head)
                for it in chunk:
                    verdict = "s" if it.suppressed else "d"
                    args += [it.action_id, it.key, it.player_id, it.occurrence, it.topic,
                             verdict, it.suppressed or "", it.caps, it.body]  # fmt: skip
                await self._script(keys=[self._keys.outbox(shard)], args=args, client=pipe)
        totals: Counter[str] = Counter()
        for reply in await pipe.execute():
            totals.update(dict(zip(OUTCOMES, (int(n) for n in reply), strict=True)))
        return totals

    def _head(self, shard: int, now_ms: int) -> list[str | bytes | int]:
        k = self._keys
        return [
            now_ms, self._ttl_ms, self._log_max,
            k.seen(shard, 0).removesuffix("0"), k.log(shard, 0).removesuffix("0"),
            k.stats(shard, 0).removesuffix("0"), k.cap_prefix(shard),
        ]  # fmt: skip


def stats_sum(replies: Sequence[Mapping[bytes, bytes]]) -> dict[str, int]:
    """Sum per-shard stats hashes into one ``outcome -> count``."""
    total: Counter[str] = Counter()
    for reply in replies:
        for outcome, n in reply.items():
            total[outcome.decode()] += int(n)
    return dict(total)
