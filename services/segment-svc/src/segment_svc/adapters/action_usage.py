"""Which live actions use a segment, asked of action-svc over HTTP (action-svc owns actions)."""

from __future__ import annotations

from typing import Any

import httpx

from segshared.peers import PeerUnavailable, get_json, peer_client


class ActionsUnavailable(PeerUnavailable):
    """action-svc could not be asked (HTTP 503 for the caller: retry, or force the delete)."""


class HttpActionUsage:
    """``GET {base_url}/actions?target_kind=segment&target_id=N&status=active,paused``."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout_s: float = 5.0,
        client: httpx.AsyncClient | None = None,
        service_key: str = "",
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._client = client or peer_client(timeout_s=timeout_s, service_key=service_key)

    async def live_actions(self, target_kind: str, target_id: int) -> list[dict[str, Any]]:
        """``[{"id", "name", "status"}]`` of the actions that still send to the target."""
        params = {"target_kind": target_kind, "target_id": str(target_id),
                  "status": "active,paused", "limit": "1000"}  # fmt: skip
        body = await get_json(self._client, f"{self._base_url}/actions", params=params,
                              peer="action-svc", unavailable=ActionsUnavailable)  # fmt: skip
        return [
            {"id": item["id"], "name": item["name"], "status": item["status"]}
            for item in body["items"]
        ]

    async def aclose(self) -> None:
        await self._client.aclose()
