"""Asking segment-svc which segments reference a card (before deleting it)."""

from __future__ import annotations

from typing import Any

import httpx


class SegmentServiceUnavailable(RuntimeError):
    """segment-svc did not answer; a delete cannot be checked."""


class SegmentClient:
    """``GET {base}/segments?card_id=ID`` of segment-svc."""

    def __init__(self, base_url: str, *, timeout_s: float = 5.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s

    async def referencing(self, card_id: int) -> list[dict[str, Any]]:
        """Segments whose definition uses the card (``id`` and ``name`` of each)."""
        url = f"{self._base_url}/segments"
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s) as client:
                response = await client.get(url, params={"card_id": card_id, "limit": 1000})
        except httpx.HTTPError as exc:
            raise SegmentServiceUnavailable(
                f"segment-svc at {self._base_url} is unreachable: {exc}"
            ) from exc
        if response.status_code >= 500:
            raise SegmentServiceUnavailable(
                f"segment-svc at {self._base_url} answered {response.status_code}"
            )
        response.raise_for_status()
        body = response.json()
        items = body.get("items", []) if isinstance(body, dict) else body
        return [{"id": s.get("id"), "name": s.get("name")} for s in items]
