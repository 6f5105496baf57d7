"""The summary ``playerseg up`` prints: member counts of every card and segment, API docs."""

from __future__ import annotations

from typing import Any

import httpx


def fetch_items(base_url: str, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """``items`` of ``GET base_url/path`` (the cards and segments list endpoints)."""
    response = httpx.get(f"{base_url}{path}", headers=headers, timeout=30.0)
    response.raise_for_status()
    items = response.json().get("items", [])
    return [i for i in items if isinstance(i, dict)]


def counts_table(cards: list[dict[str, Any]], segments: list[dict[str, Any]]) -> str:
    """A plain-text table: kind, id, name, count."""
    rows = [("card", c) for c in cards] + [("segment", s) for s in segments]
    width = max([len(str(item.get("name", ""))) for _, item in rows] + [4])
    lines = [f"{'kind':<8} {'id':>5}  {'name':<{width}}  {'count':>8}"]
    lines.append("-" * len(lines[0]))
    for kind, item in rows:
        count = item.get("count")
        shown = f"{count:,}" if isinstance(count, int) else str(count)
        lines.append(
            f"{kind:<8} {item.get('id', '')!s:>5}  {item.get('name', '')!s:<{width}}  {shown:>8}"
        )
    if not rows:
        lines.append("(no cards or segments)")
    return "\n".join(lines)


def docs_lines(apis: dict[str, str]) -> str:
    """Where each running API serves its OpenAPI docs."""
    return "\n".join(f"  {name:<12} {url}/docs" for name, url in apis.items())
