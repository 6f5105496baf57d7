"""Whether an action's target exists, asked of segment-svc or card-svc (they own them)."""

from __future__ import annotations

import httpx

from segshared.peers import PeerUnavailable, get_json, peer_client


class TargetsUnavailable(PeerUnavailable):
    """The owning service could not be asked (HTTP 503 for the caller: retry later)."""


class HttpTargets:
    """``GET {segment_svc}/segments/{id}`` or ``GET {card_svc}/cards/{id}``: 200 or 404."""

    def __init__(
        self, *, segment_svc_url: str, card_svc_url: str, timeout_s: float = 5.0,
        client: httpx.AsyncClient | None = None,
        service_key: str = "",
    ) -> None:  # fmt: skip
        self._urls = {"segment": f"{segment_svc_url}/segments", "card": f"{card_svc_url}/cards"}
        self._client = client or peer_client(timeout_s=timeout_s, service_key=service_key)

    async def name_of(self, kind: str, target_id: int) -> str | None:
        """The target's name, or None if it does not exist."""
        body = await get_json(self._client, f"{self._urls[kind]}/{target_id}",
                              peer=f"{kind}-svc", unavailable=TargetsUnavailable,
                              missing_ok=True)  # fmt: skip
        return None if body is None else str(body.get("name", ""))

    async def aclose(self) -> None:
        await self._client.aclose()
