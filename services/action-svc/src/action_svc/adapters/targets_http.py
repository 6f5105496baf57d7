"""Whether an action's target exists, asked of segment-svc or card-svc (they own them)."""

from __future__ import annotations

import httpx


class TargetsUnavailable(RuntimeError):
    """The owning service could not be asked (HTTP 503 for the caller: retry later)."""


class HttpTargets:
    """``GET {segment_svc}/segments/{id}`` or ``GET {card_svc}/cards/{id}``: 200 or 404."""

    def __init__(
        self, *, segment_svc_url: str, card_svc_url: str, timeout_s: float = 5.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:  # fmt: skip
        self._urls = {"segment": f"{segment_svc_url}/segments", "card": f"{card_svc_url}/cards"}
        self._client = client or httpx.AsyncClient(timeout=timeout_s)

    async def name_of(self, kind: str, target_id: int) -> str | None:
        """The target's name, or None if it does not exist."""
        try:
            response = await self._client.get(f"{self._urls[kind]}/{target_id}")
        except httpx.HTTPError as exc:
            raise TargetsUnavailable(f"the {kind} service is unreachable: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code >= 500:
            raise TargetsUnavailable(f"the {kind} service answered {response.status_code}")
        response.raise_for_status()
        return str(response.json().get("name", ""))

    async def aclose(self) -> None:
        await self._client.aclose()
