"""Webhook delivery state in Redis, per shard: attempts, finished keys and the retry schedule.

Every key carries the shard's hash tag ``{p}``, so each transition is one MULTI (or one script)
in one Redis Cluster slot, and it writes the dispatch log entry and count in the same
transaction: a crash leaves either the old state or the new one, never a lost or doubled count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from action_svc.adapters.action_keys import ActionKeys

# Starting an attempt must be atomic with the checks: a key finished (or rescheduled) by a
# concurrent path between a check and the HINCRBY would otherwise get a fresh attempt 1.
_BEGIN = """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
local scheduled = redis.call('ZSCORE', KEYS[3], ARGV[1])
if ARGV[2] == 'new' and scheduled then return -2 end
if ARGV[2] == 'retry' and not scheduled then return -3 end
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
"""
#: ``begin`` results other than an attempt number.
DONE, SCHEDULED, NOT_SCHEDULED = -1, -2, -3


@dataclass(frozen=True, slots=True)
class LogLine:
    """A dispatch log entry of one webhook outcome (the fields ``DispatchLog`` pages)."""

    action_id: int
    key: str
    player_id: str
    outcome: str
    reason: str = ""
    occurrence: str = ""


class WebhookState:
    """Attempt counters, the done set and the retry schedule of webhook deliveries."""

    def __init__(self, *, redis: Redis, keys: ActionKeys, done_ttl_s: int, log_max: int) -> None:
        self._redis = redis
        self._keys = keys
        self._done_ttl_ms = done_ttl_s * 1000
        self._log_max = log_max
        self._begin = redis.register_script(_BEGIN)

    async def begin(self, shard: int, key: str, *, retry: bool) -> int:
        """Count one more attempt of ``key`` and return its number (1 = the first), or
        ``DONE``, ``SCHEDULED`` (a new delivery of a key awaiting its retry) or
        ``NOT_SCHEDULED`` (a retry that another path already finished)."""
        k = self._keys
        keys = [k.webhook_done(shard), k.webhook_attempts(shard), k.webhook_retry(shard)]
        return int(await self._begin(keys=keys, args=[key, "retry" if retry else "new"]))

    async def finish(self, shard: int, line: LogLine, *, now_ms: int) -> None:
        """Mark ``line.key`` done (delivered or dead) and log it, in one transaction."""
        k, key = self._keys, line.key
        pipe = self._redis.pipeline(transaction=True)
        pipe.zadd(k.webhook_done(shard), {key: now_ms})
        # Forget done keys after the dedupe horizon, like the dispatch dedupe does.
        pipe.zremrangebyscore(k.webhook_done(shard), "-inf", now_ms - self._done_ttl_ms)
        pipe.hdel(k.webhook_attempts(shard), key)
        pipe.zrem(k.webhook_retry(shard), key)
        pipe.hdel(k.webhook_pending(shard), key)
        self._log(pipe, shard, line)
        await pipe.execute()

    async def schedule_retry(
        self, shard: int, line: LogLine, *, command: bytes, due_ms: int
    ) -> None:
        """Schedule ``line.key`` again at ``due_ms`` with its command, and log the failure."""
        k = self._keys
        pipe = self._redis.pipeline(transaction=True)
        pipe.zadd(k.webhook_retry(shard), {line.key: due_ms})
        pipe.hset(k.webhook_pending(shard), line.key, command)
        self._log(pipe, shard, line)
        await pipe.execute()

    async def due(self, shard: int, *, now_ms: int, limit: int) -> list[tuple[str, bytes | None]]:
        """Up to ``limit`` keys whose retry is due, oldest first, with their commands."""
        k = self._keys
        raw = await self._redis.zrangebyscore(
            k.webhook_retry(shard), "-inf", now_ms, start=0, num=limit
        )
        keys = [_s(key) for key in raw]
        if not keys:
            return []
        commands = await self._redis.hmget(k.webhook_pending(shard), keys)
        return [(key, _b(c)) for key, c in zip(keys, commands, strict=True)]

    async def drop_retry(self, shard: int, key: str) -> None:
        """Remove a scheduled retry whose command is gone (cannot be attempted)."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.zrem(self._keys.webhook_retry(shard), key)
        pipe.hdel(self._keys.webhook_pending(shard), key)
        await pipe.execute()

    async def attempts(self, shard: int, key: str) -> int:
        """Attempts started of ``key`` that have not finished (0 once done)."""
        raw = await self._redis.hget(self._keys.webhook_attempts(shard), key)
        return int(raw or 0)

    async def is_done(self, shard: int, key: str) -> bool:
        """Whether ``key`` was delivered or dead-lettered."""
        return await self._redis.zscore(self._keys.webhook_done(shard), key) is not None

    def _log(self, pipe: Pipeline, shard: int, line: LogLine) -> None:
        # The same fields as DispatchLog.record and lua/dispatch.lua, so DispatchLog pages it.
        fields = {"k": line.key, "p": line.player_id, "o": line.outcome, "r": line.reason,
                  "c": line.occurrence}  # fmt: skip
        pipe.xadd(self._keys.log(shard, line.action_id), fields,  # type: ignore[arg-type]
                  maxlen=self._log_max, approximate=True)  # fmt: skip
        pipe.hincrby(self._keys.stats(shard, line.action_id), line.outcome, 1)


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _b(value: bytes | str | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value
