"""Creating the benchmark's cards (card-svc API) and segments (segment-svc API)."""

from __future__ import annotations

import time
from typing import Any

import httpx

from bench.synthetic import Node, SegmentShape
from playerseg.demo.catalog import resolve


def _ok(response: httpx.Response, what: str) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(f"{what}: HTTP {response.status_code}: {response.text}")
    return response.json()


def create_cards(client: httpx.Client, card_url: str, *, count: int) -> list[int]:
    """Half rule cards, half uploaded lists; their members do not matter here (the segment
    worker is fed card.membership directly), only that card-svc knows them."""
    ids = []
    for i in range(count):
        name = f"bench card {i}"
        if i % 2:
            csv = f"player_id\n{9_000_000 + i}\n".encode()
            response = client.post(
                f"{card_url}/cards/upload",
                data={"name": name},
                files={"file": ("list.csv", csv, "text/csv")},
            )
        else:
            metric = {"fn": "count", "event": "bet_placed"}
            rule = {"metric": metric, "op": "gte", "value": i + 1}
            response = client.post(f"{card_url}/cards", json={"name": name, "rule": rule})
        ids.append(int(_ok(response, f"create {name}")["id"]))
    return ids


def create_segments(
    client: httpx.Client, segment_url: str, shapes: list[SegmentShape], card_ids: list[int]
) -> list[tuple[int, Node, Node | None]]:
    """Create the segments in order; returns (id, include, exclude) with real ids."""
    created: list[tuple[int, Node, Node | None]] = []
    for i, shape in enumerate(shapes):
        segment_ids = [sid for sid, _, _ in created]
        include = resolve(shape.include, card_ids, segment_ids)
        exclude = resolve(shape.exclude, card_ids, segment_ids) if shape.exclude else None
        body: dict[str, Any] = {"name": f"bench segment {i}", "include": include}
        if exclude is not None:
            body["exclude"] = exclude
        doc = _ok(client.post(f"{segment_url}/segments", json=body), f"create segment {i}")
        created.append((int(doc["id"]), include, exclude))
    return created


def wait_segments_ready(client: httpx.Client, segment_url: str, *, timeout_s: float) -> None:
    """Until the worker has built every segment in every shard (it owns them all then)."""
    deadline = time.monotonic() + timeout_s
    while True:
        page = _ok(client.get(f"{segment_url}/segments", params={"limit": 1000}), "list")
        waiting = [s["id"] for s in page["items"] if not s["ready"]]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"segments not built after {timeout_s:.0f}s: {waiting[:10]}...")
        time.sleep(0.5)
