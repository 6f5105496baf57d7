"""The HTTP side of webhooks: one shared httpx client whose every connection is SSRF-vetted.

The check lives in the connection layer (an httpcore network backend): each new connection
resolves the host once, vets ALL its addresses (``domain.urlguard``) and connects to the
vetted address itself, so a second DNS answer (rebinding) can never be the one dialled. The
URL keeps its host name, so Host, SNI, certificate checks and connection reuse stay per host.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import httpcore
import httpx

from action_svc.domain.urlguard import AllowList, check_url_syntax, vet
from action_svc.domain.webhook_policy import Attempt
from segshared.contracts.dispatch import WebhookRequest

#: ``resolve(host, port)`` -> every address the host resolves to (tests inject a fake DNS).
Resolve = Callable[[str, int], Awaitable[list[str]]]
_ALLOW_HINT = "add it to ACTION_SVC_WEBHOOK_ALLOW to allow it"
_BODY_LIMIT = 64 * 1024


class TargetRefused(Exception):
    """The webhook host resolves to an address the SSRF policy forbids."""


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the system resolver, off the event loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _VettedBackend(httpcore.AsyncNetworkBackend):
    """Dials only addresses the policy accepts; the rest of the stack sees the host name."""

    def __init__(self, *, allow: AllowList, resolve: Resolve) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow = allow
        self._resolve = resolve

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # fmt: skip
        """Resolve ``host``, vet every address, connect to the vetted one."""
        try:
            addresses = await self._resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        verdict = vet(host, addresses, self._allow)
        if verdict.address is None:
            raise TargetRefused(f"webhook target refused: {verdict.reason}; {_ALLOW_HINT}")
        return await self._inner.connect_tcp(
            verdict.address, port, timeout=timeout, local_address=local_address,
            socket_options=socket_options,
        )  # fmt: skip

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        """Never: webhooks reach TCP hosts only."""
        raise TargetRefused("webhook target refused: unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        """Delegate to anyio."""
        await self._inner.sleep(seconds)


class _VettedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, *, backend: _VettedBackend, max_connections: int) -> None:
        super().__init__(trust_env=False)
        # httpx has no public way to pass a network backend; its pool is httpcore's, which
        # has. A proxy would dial for us and defeat the check, hence none (trust_env off).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=backend,
        )


class WebhookClient:
    """Sends webhook requests; never raises for a failed call, returns an ``Attempt``."""

    def __init__(
        self, *, timeout_s: float, allow: AllowList, max_connections: int = 64,
        resolve: Resolve = resolve_host,
    ) -> None:  # fmt: skip
        self._timeout_s = timeout_s
        self.backend = _VettedBackend(allow=allow, resolve=resolve)
        self._client = httpx.AsyncClient(
            transport=_VettedTransport(backend=self.backend, max_connections=max_connections),
            timeout=timeout_s,
            follow_redirects=False,  # a redirect could lead anywhere, unvetted
            trust_env=False,
        )

    async def send(
        self, request: WebhookRequest, *, body: bytes, headers: Mapping[str, str]
    ) -> Attempt:
        """One attempt of ``request``: the response status, or why there is none."""
        problem = check_url_syntax(request.url)
        if problem is not None:
            return Attempt(None, f"invalid_url: {problem}")
        try:
            # One deadline for the whole attempt: httpx's timeouts are per phase, and a
            # server dripping bytes could otherwise hold an attempt (and a slot) for long.
            async with asyncio.timeout(self._timeout_s):
                async with self._client.stream(
                    request.method, request.url, content=body, headers=dict(headers)
                ) as response:
                    await _drain(response)
        except TargetRefused as exc:
            return Attempt(None, f"blocked_address: {exc}")
        except (TimeoutError, httpx.TimeoutException):
            return Attempt(None, f"timeout: no response within {self._timeout_s:g}s")
        except httpx.HTTPError as exc:
            return Attempt(None, f"connect_error: {type(exc).__name__}: {exc}")
        return Attempt(response.status_code, None, response.headers.get("retry-after"))

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._client.aclose()


async def _drain(response: httpx.Response, limit: int = _BODY_LIMIT) -> None:
    # A small body is read so the connection can be reused; a huge one is not held in
    # memory: the connection is closed instead.
    seen = 0
    async for chunk in response.aiter_raw():
        seen += len(chunk)
        if seen > limit:
            return
