"""Checks that a benchmark computed the right answer, against the independent test oracle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import redis

from segshared.keys import Keys


def _items(url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = httpx.get(url, params={"limit": 1000}, headers=headers, timeout=60.0)
    response.raise_for_status()
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def catalog_counts_match(
    card_url: str, segment_url: str, bets: Path, headers: dict[str, str]
) -> list[str]:
    """Cards and segments whose count differs from the oracle's (tests/oracle), as lines."""
    # The oracle lives with the tests; python -m bench runs from the repository root.
    from tests.oracle.bets_oracle import card_members, load_bets, segment_members

    cards = card_members(load_bets(bets))
    want = {name: len(ids) for name, ids in (cards | segment_members(cards)).items()}
    got = {
        i["name"]: i["count"]
        for i in _items(f"{card_url}/cards", headers) + _items(f"{segment_url}/segments", headers)
    }
    return [f"{n!r}: {got.get(n)} (oracle {c})" for n, c in sorted(want.items()) if got.get(n) != c]


def segment_sets_match(
    redis_url: str, key_prefix: str, partitions: int, want: dict[int, set[str]]
) -> list[str]:
    """Segments whose shard sets' union in Redis differs from ``want``, as lines."""
    keys = Keys(key_prefix)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    lines = []
    try:
        for segment_id, members in sorted(want.items()):
            got: set[str] = set()
            for p in range(partitions):
                got |= {str(m) for m in client.smembers(keys.segment(p, segment_id))}
            if got != members:
                extra, missing = sorted(got - members)[:5], sorted(members - got)[:5]
                lines.append(
                    f"segment {segment_id}: {len(got)} in Redis, {len(members)} expected; "
                    f"extra {extra}, missing {missing}"
                )
    finally:
        client.close()
    return lines
