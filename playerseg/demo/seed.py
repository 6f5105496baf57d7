"""Creating the default catalog through the card-svc and segment-svc HTTP APIs, idempotently."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from playerseg.demo.catalog import CARDS, SEGMENTS, VIP_LIST_PATH, resolve


class SeedError(RuntimeError):
    """An API refused a default card or segment, or cards did not become ready in time."""


def _check(response: httpx.Response, what: str) -> Any:
    if response.status_code >= 400:
        raise SeedError(f"{what}: HTTP {response.status_code}: {response.text}")
    return response.json()


def _existing(client: httpx.Client, url: str, what: str) -> dict[str, int]:
    """name -> id of everything the API lists."""
    found: dict[str, int] = {}
    offset = 0
    while True:
        page = _check(client.get(url, params={"limit": 500, "offset": offset}), f"list {what}")
        found.update({item["name"]: int(item["id"]) for item in page["items"]})
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return found


def seed_cards(
    client: httpx.Client, card_api_url: str, *, vip_path: Path = VIP_LIST_PATH
) -> dict[str, int]:
    """Create the missing default cards; returns name -> id of all of them."""
    base = card_api_url.rstrip("/")
    ids = _existing(client, f"{base}/cards", "cards")
    for name, description, rule in CARDS:
        if name in ids:
            continue
        if rule is None:
            with vip_path.open("rb") as handle:
                response = client.post(
                    f"{base}/cards/upload",
                    data={"name": name, "description": description},
                    files={"file": (vip_path.name, handle, "text/csv")},
                )
        else:
            body = {"name": name, "description": description, "rule": rule}
            response = client.post(f"{base}/cards", json=body)
        ids[name] = int(_check(response, f"create card {name!r}")["id"])
    return ids


def wait_ready(
    client: httpx.Client, card_api_url: str, ids: list[int], *, timeout_s: float
) -> None:
    """Wait until every shard has evaluated each card's current revision."""
    base = card_api_url.rstrip("/")
    deadline = time.monotonic() + timeout_s
    while True:
        params: dict[str, str | int] = {"ids": ",".join(map(str, ids)), "limit": len(ids)}
        page = _check(client.get(f"{base}/cards", params=params), "list cards")
        waiting = [item["name"] for item in page["items"] if not item["ready"]]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise SeedError(f"cards not ready after {timeout_s:.0f}s: {', '.join(waiting)}")
        time.sleep(0.5)


def seed_segments(
    client: httpx.Client, segment_api_url: str, cards: dict[str, int]
) -> dict[str, int]:
    """Create the missing default segments (in order: later ones reference earlier ones)."""
    base = segment_api_url.rstrip("/")
    ids = _existing(client, f"{base}/segments", "segments")
    for name, description, include, exclude in SEGMENTS:
        if name in ids:
            continue
        body: dict[str, Any] = {
            "name": name,
            "description": description,
            "include": resolve(include, cards, ids),
        }
        if exclude is not None:
            body["exclude"] = resolve(exclude, cards, ids)
        ids[name] = int(
            _check(client.post(f"{base}/segments", json=body), f"create segment {name!r}")["id"]
        )
    return ids


def seed(
    card_api_url: str,
    segment_api_url: str,
    *,
    ready_timeout_s: float = 300.0,
    vip_path: Path = VIP_LIST_PATH,
    headers: dict[str, str] | None = None,
) -> None:
    """Create the default cards and segments that do not exist yet; wait for the cards.
    ``headers`` present an API key with the ``read`` and ``write`` scopes (or ``admin``)."""
    with httpx.Client(timeout=30.0, headers=headers) as client:
        cards = seed_cards(client, card_api_url, vip_path=vip_path)
        wait_ready(client, card_api_url, list(cards.values()), timeout_s=ready_timeout_s)
        seed_segments(client, segment_api_url, cards)
