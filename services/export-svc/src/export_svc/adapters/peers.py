"""segment-svc and card-svc over HTTP: names of what is exported, checks of definitions.

export-svc owns no definitions: whether a segment or card exists, and whether an unsaved
definition is valid (shape, limits, references that exist, no cycles), is answered by their
owners. A definition is checked by segment-svc's own execute endpoint, so both services refuse
exactly the same definitions with the same messages.
"""

from __future__ import annotations

from typing import Any

import httpx

from segshared.http import NotFound
from segshared.peers import PeerUnavailable, call, peer_client

__all__ = ["DefinitionRejected", "HttpPeers", "PeerUnavailable"]


class DefinitionRejected(ValueError):
    """segment-svc refused the definition; ``body`` is its RFC 9457 problem (422)."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(str(body.get("detail") or body.get("title") or "invalid definition"))
        self.body = body


class HttpPeers:
    def __init__(
        self,
        *,
        segment_url: str,
        card_url: str,
        timeout_s: float = 10.0,
        client: httpx.AsyncClient | None = None,
        service_key: str = "",
    ) -> None:
        self._urls = {"segment": segment_url.rstrip("/"), "card": card_url.rstrip("/")}
        self._client = client or peer_client(timeout_s=timeout_s, service_key=service_key)

    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return await call(self._client, method, url, peer=url, **kwargs)

    async def source_name(self, kind: str, source_id: int) -> str:
        """The name of segment or card ``source_id``; NotFound when it does not exist."""
        plural = "segments" if kind == "segment" else "cards"
        response = await self._call("GET", f"{self._urls[kind]}/{plural}/{source_id}")
        if response.status_code == 404:
            raise NotFound(f"{kind} {source_id} does not exist")
        response.raise_for_status()
        return str(response.json().get("name", f"{kind} {source_id}"))

    async def check_definition(self, definition: dict[str, Any]) -> None:
        """Raise DefinitionRejected unless segment-svc accepts the unsaved definition."""
        body = {**definition, "limit": 1}
        response = await self._call("POST", f"{self._urls['segment']}/segments/execute", json=body)
        if response.status_code == 422:
            raise DefinitionRejected(response.json())
        response.raise_for_status()

    async def aclose(self) -> None:
        await self._client.aclose()
