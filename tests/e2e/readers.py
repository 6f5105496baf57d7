"""Reading cards and segments back: through the HTTP members pages, and from the Redis shards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
import redis

from segshared.keys import Keys
from segshared.partitioning import partition_for

PAGE = 1000  # the APIs' largest page


class ApiReader:
    """Cards (card-svc) and segments (segment-svc) as the operator's table view pages them."""

    def __init__(
        self, *, card_url: str, segment_url: str, headers: dict[str, str], timeout_s: float = 60.0
    ) -> None:
        self.card_url = card_url.rstrip("/")
        self.segment_url = segment_url.rstrip("/")
        self.client = httpx.Client(timeout=timeout_s, headers=headers)

    def close(self) -> None:
        self.client.close()

    def _get(self, url: str, **params: Any) -> Any:
        response = self.client.get(url, params=params)
        assert response.status_code == 200, (
            f"GET {url} {params}: {response.status_code} {response.text}"
        )
        return response.json()

    def _listing(self, url: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            page = self._get(url, limit=500, offset=len(items))
            items += page["items"]
            if not page["items"] or len(items) >= page["total"]:
                return items

    def cards(self) -> list[dict[str, Any]]:
        """Every card with its id, name, count and readiness."""
        return self._listing(f"{self.card_url}/cards")

    def segments(self) -> list[dict[str, Any]]:
        return self._listing(f"{self.segment_url}/segments")

    def _pages(self, url: str, columns: Sequence[str]) -> tuple[list[dict[str, Any]], int]:
        rows: list[dict[str, Any]] = []
        totals: set[int] = set()
        while True:
            params: dict[str, Any] = {"limit": PAGE, "offset": len(rows)}
            if columns:
                params["columns"] = ",".join(["player_id", *columns])
            page = self._get(url, **params)
            totals.add(int(page["total"]))
            rows += page["items"]
            if not page["items"] or len(rows) >= page["total"]:
                break
        assert len(totals) == 1, f"{url}: the total changed while paging: {sorted(totals)}"
        return rows, totals.pop()

    def card_rows(
        self, card_id: int, columns: Sequence[str] = ()
    ) -> tuple[list[dict[str, Any]], int]:
        """Every row of the card's members table (``columns`` besides player_id) and its total."""
        return self._pages(f"{self.card_url}/cards/{card_id}/members", columns)

    def segment_rows(self, segment_id: int) -> tuple[list[dict[str, Any]], int]:
        return self._pages(f"{self.segment_url}/segments/{segment_id}/members", ())


def member_ids(what: str, rows: list[dict[str, Any]], total: int) -> set[str]:
    """The player ids of a paged table, checking the pages neither repeat nor miss a row."""
    ids = [str(row["player_id"]) for row in rows]
    assert len(ids) == len(set(ids)), f"{what}: a player appears on two pages"
    assert len(ids) == total, f"{what}: pages hold {len(ids)} rows but total says {total}"
    return set(ids)


def parse_figure(value: Any) -> Any:
    """A JSON figure as the oracle types it (times arrive as ISO 8601 text)."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


class RedisReader:
    """Shard sets ``card:{p}:<id>`` and ``seg:{p}:<id>``: their union is the card or segment."""

    def __init__(self, *, url: str, key_prefix: str, partitions: int) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True)
        self.keys = Keys(key_prefix)
        self.partitions = partitions

    def close(self) -> None:
        self.client.close()

    def _union(self, what: str, shard_key: Any) -> set[str]:
        members: set[str] = set()
        for p in range(self.partitions):
            shard = {str(m) for m in self.client.smembers(shard_key(p))}
            misplaced = sorted(m for m in shard if partition_for(m, self.partitions) != p)
            assert not misplaced, (
                f"{what}: shard {p} holds players of other shards: {misplaced[:10]}"
            )
            members |= shard
        return members

    def card(self, card_id: int) -> set[str]:
        return self._union(f"card {card_id}", lambda p: self.keys.card(p, card_id))

    def segment(self, segment_id: int) -> set[str]:
        return self._union(f"segment {segment_id}", lambda p: self.keys.segment(p, segment_id))
