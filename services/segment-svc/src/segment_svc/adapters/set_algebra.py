"""Running compiled set algebra (SINTERSTORE / SUNIONSTORE / SDIFFSTORE) in Redis."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from segshared.rules import SetOp


async def run_set_program(
    redis: Redis, ops: Sequence[SetOp], *, scratch: Sequence[str], ttl_s: int
) -> None:
    """Run ``ops`` as one MULTI (a consistent snapshot of their inputs) and drop the
    intermediate ``scratch`` keys; every key written gets a TTL so nothing outlives a crash."""
    pipe = redis.pipeline(transaction=True)
    for op in ops:
        pipe.execute_command(op.command, op.dest, *op.keys)
        pipe.expire(op.dest, ttl_s)
    if scratch:
        pipe.delete(*scratch)
    await pipe.execute()
