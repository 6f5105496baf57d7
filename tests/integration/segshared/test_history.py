"""Size history against a real Redis: sizes summed over shards, appended only on change."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from segshared.history import SizeHistory, SizeSampler
from segshared.keys import Keys

pytestmark = pytest.mark.integration
PARTITIONS = 4


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def keys() -> Keys:
    return Keys(f"t{uuid.uuid4().hex[:8]}:")


async def _members(redis: Redis, keys: Keys, card_id: int, per_shard: list[int]) -> None:
    for p, n in enumerate(per_shard):
        await redis.delete(keys.card(p, card_id))
        if n:
            await redis.sadd(keys.card(p, card_id), *[f"{p}-{i}" for i in range(n)])


async def test_a_point_is_appended_only_when_the_summed_size_changes(
    redis: Redis, keys: Keys
) -> None:
    now = [1_000]
    history = SizeHistory(redis=redis, keys=keys, kind="card", cap=3)

    async def ids() -> list[int]:
        return [7, 8]

    sampler = SizeSampler(history=history, redis=redis, shard_key=keys.card,
                          partitions=PARTITIONS, ids=ids, clock_ms=lambda: now[0])  # fmt: skip
    await _members(redis, keys, 7, [2, 0, 3, 1])
    assert await sampler.sample_once() == [7, 8]  # first sight of both, card 8 empty
    now[0] = 2_000
    assert await sampler.sample_once() == []  # nothing changed: nothing written
    await _members(redis, keys, 7, [2, 5, 3, 1])
    now[0] = 3_000
    assert await sampler.sample_once() == [7]

    points = await history.points(7)
    assert [(p.at, p.size) for p in points] == [
        (datetime.fromtimestamp(1, tz=UTC), 6),
        (datetime.fromtimestamp(3, tz=UTC), 11),
    ]
    assert [p.size for p in await history.points(8)] == [0]

    # A worker that does not own shard 0 leaves the sampling to the one that does.
    other = replace(sampler, owned=lambda: (1, 2, 3))
    await _members(redis, keys, 7, [2, 5, 3, 9])
    now[0] = 4_000
    assert await other.sample_once() == []
    assert [p.size for p in await history.points(7)] == [6, 11]


async def test_the_history_is_capped_to_the_newest_points(redis: Redis, keys: Keys) -> None:
    history = SizeHistory(redis=redis, keys=keys, kind="segment", cap=3)
    for at, size in enumerate([1, 2, 2, 3, 4, 5]):
        await history.record({1: size}, at_ms=at * 1000)
    assert [p.size for p in await history.points(1)] == [3, 4, 5]
    assert [p.size for p in await history.points(1, limit=2)] == [4, 5]
    assert await redis.pttl(keys.size_history("segment", 1)) > 0
    await history.forget(1)
    assert await history.points(1) == []
