"""Counts, readiness and members of cards, read from the shard sets in Redis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from segshared.keys import Keys


@dataclass(frozen=True)
class CardStatus:
    count: int
    ready: bool


async def card_status(
    redis: Redis, keys: Keys, partitions: int, cards: Sequence[tuple[int, int]]
) -> dict[int, CardStatus]:
    """For each (card id, revision): exact size (sum of SCARDs) and whether every shard has
    been backfilled to that revision; one pipelined round trip for all cards."""
    if not cards:
        return {}
    pipe = redis.pipeline(transaction=False)
    for card_id, _ in cards:
        for p in range(partitions):
            pipe.scard(keys.card(p, card_id))
            pipe.hget(keys.card_revisions(p), str(card_id))
    raw = await pipe.execute()
    out: dict[int, CardStatus] = {}
    for i, (card_id, revision) in enumerate(cards):
        chunk = raw[i * 2 * partitions : (i + 1) * 2 * partitions]
        count = sum(int(n) for n in chunk[0::2])
        ready = all(r is not None and int(r) == revision for r in chunk[1::2])
        out[card_id] = CardStatus(count=count, ready=ready)
    return out
