"""Which cards exist, asked of card-svc over HTTP (card-svc owns card definitions)."""

from __future__ import annotations

from collections.abc import Collection

import httpx

#: Ids per request: keeps the query string short.
CHUNK = 100


class CardCatalogueUnavailable(RuntimeError):
    """card-svc could not be asked (HTTP 503 for the caller: retry later)."""


class HttpCardCatalogue:
    """``GET {base_url}/cards?ids=1,2,3`` -> ``{"items": [{"id": ...}, ...]}``."""

    def __init__(
        self, *, base_url: str, timeout_s: float = 5.0, client: httpx.AsyncClient | None = None
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._client = client or httpx.AsyncClient(timeout=timeout_s)

    async def existing(self, card_ids: Collection[int]) -> set[int]:
        """The subset of ``card_ids`` that card-svc knows."""
        wanted = sorted(set(card_ids))
        found: set[int] = set()
        for i in range(0, len(wanted), CHUNK):
            chunk = wanted[i : i + CHUNK]
            params = {"ids": ",".join(str(c) for c in chunk), "limit": str(len(chunk))}
            try:
                response = await self._client.get(f"{self._base_url}/cards", params=params)
            except httpx.HTTPError as exc:
                raise CardCatalogueUnavailable(f"card-svc is unreachable: {exc}") from exc
            if response.status_code >= 500:
                raise CardCatalogueUnavailable(f"card-svc answered {response.status_code}")
            response.raise_for_status()
            found.update(int(item["id"]) for item in response.json()["items"])
        return found & set(wanted)

    async def aclose(self) -> None:
        await self._client.aclose()
