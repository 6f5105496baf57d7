"""Which cards exist, asked of card-svc over HTTP (card-svc owns card definitions)."""

from __future__ import annotations

from collections.abc import Collection

import httpx

from segshared.peers import PeerUnavailable, get_json, peer_client

#: Ids per request: keeps the query string short.
CHUNK = 100


class CardCatalogueUnavailable(PeerUnavailable):
    """card-svc could not be asked (HTTP 503 for the caller: retry later)."""


class HttpCardCatalogue:
    """``GET {base_url}/cards?ids=1,2,3`` -> ``{"items": [{"id": ...}, ...]}``."""

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

    async def existing(self, card_ids: Collection[int]) -> set[int]:
        """The subset of ``card_ids`` that card-svc knows."""
        wanted = sorted(set(card_ids))
        found: set[int] = set()
        for i in range(0, len(wanted), CHUNK):
            chunk = wanted[i : i + CHUNK]
            params = {"ids": ",".join(str(c) for c in chunk), "limit": str(len(chunk))}
            url = f"{self._base_url}/cards"
            body = await get_json(self._client, url, params=params, peer="card-svc",
                                  unavailable=CardCatalogueUnavailable)  # fmt: skip
            found.update(int(item["id"]) for item in body["items"])
        return found & set(wanted)

    async def aclose(self) -> None:
        await self._client.aclose()
