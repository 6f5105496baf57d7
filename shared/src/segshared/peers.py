"""Asking another service of the platform over HTTP (which cards exist, which actions use a
segment, ...): one way to tell "no" from "could not ask"."""

from __future__ import annotations

from typing import Any

import httpx

from segshared.auth.domain import bearer_headers


class PeerUnavailable(RuntimeError):
    """Another service could not be asked; the caller answers 503 (retry later)."""


async def call(
    client: httpx.AsyncClient, method: str, url: str, *, peer: str,
    unavailable: type[PeerUnavailable] = PeerUnavailable, **kwargs: Any,
) -> httpx.Response:  # fmt: skip
    """The response of a request to another service; ``unavailable`` when it is unreachable
    or answers 5xx (any other answer is the caller's to read)."""
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise unavailable(f"{peer} is unreachable: {exc}") from exc
    if response.status_code >= 500:
        raise unavailable(f"{peer} answered {response.status_code}")
    return response


async def get_json(
    client: httpx.AsyncClient, url: str, *, peer: str, params: dict[str, str] | None = None,
    unavailable: type[PeerUnavailable] = PeerUnavailable, missing_ok: bool = False,
) -> Any:  # fmt: skip
    """The JSON body of ``GET url``; None for a 404 if ``missing_ok``; ``unavailable`` when the
    peer is unreachable or answers 5xx (a 4xx other than that is a bug: it raises)."""
    response = await call(client, "GET", url, peer=peer, unavailable=unavailable, params=params)
    if missing_ok and response.status_code == 404:
        return None
    response.raise_for_status()
    return response.json()


def peer_client(*, timeout_s: float, service_key: str) -> httpx.AsyncClient:
    """A client for calls to other services, presenting this service's key."""
    return httpx.AsyncClient(timeout=timeout_s, headers=bearer_headers(service_key))
