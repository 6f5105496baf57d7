"""Asking segment-svc which segments reference a card (before deleting it)."""

from __future__ import annotations

from typing import Any

from segshared.peers import PeerUnavailable, get_json, peer_client


class SegmentServiceUnavailable(PeerUnavailable):
    """segment-svc did not answer; a delete cannot be checked."""


class SegmentClient:
    """``GET {base}/segments?card_id=ID`` of segment-svc."""

    def __init__(self, base_url: str, *, timeout_s: float = 5.0, service_key: str = "") -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._service_key = service_key

    async def referencing(self, card_id: int) -> list[dict[str, Any]]:
        """Segments whose definition uses the card (``id`` and ``name`` of each)."""
        url = f"{self._base_url}/segments"
        async with peer_client(timeout_s=self._timeout_s, service_key=self._service_key) as client:
            body = await get_json(client, url, params={"card_id": str(card_id), "limit": "1000"},
                                  peer=f"segment-svc at {self._base_url}",
                                  unavailable=SegmentServiceUnavailable)  # fmt: skip
        items = body.get("items", []) if isinstance(body, dict) else body
        return [{"id": s.get("id"), "name": s.get("name")} for s in items]
