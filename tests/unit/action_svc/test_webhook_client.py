"""The webhook client refuses SSRF targets before any connection (fake DNS, no network)."""

from __future__ import annotations

import httpcore
import pytest

from action_svc.adapters.webhook_client import TargetRefused, WebhookClient, _VettedBackend
from action_svc.domain.urlguard import AllowList, parse_allow_list
from segshared.contracts import WebhookRequest


def dns(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> list[str]:
        return answers[host]

    return resolve


@pytest.mark.parametrize(
    ("addresses", "named"),
    [
        (["10.0.0.5"], "10.0.0.5, a private address"),
        (["127.0.0.1"], "127.0.0.1, a loopback address"),
        (["169.254.169.254"], "169.254.169.254, a cloud metadata address"),
        (["fe80::1"], "fe80::1, a link-local address"),
        # Every answer counts: one public address does not launder a private one.
        (["93.184.216.34", "192.168.1.7"], "192.168.1.7, a private address"),
    ],
)
async def test_private_targets_are_refused_naming_the_address(
    addresses: list[str], named: str
) -> None:
    client = WebhookClient(timeout_s=1.0, allow=AllowList(), resolve=dns({"hooks.test": addresses}))
    try:
        attempt = await client.send(
            WebhookRequest(url="http://hooks.test/x"), body=b"{}", headers={}
        )
    finally:
        await client.aclose()
    assert attempt.status is None and attempt.error is not None
    assert attempt.error.startswith("blocked_address: webhook target refused: hooks.test")
    assert named in attempt.error and "ACTION_SVC_WEBHOOK_ALLOW" in attempt.error


async def test_bad_urls_are_refused_before_resolving() -> None:
    client = WebhookClient(timeout_s=1.0, allow=AllowList(), resolve=dns({}))
    try:
        for url in ("ftp://hooks.test/x", "http://user:pw@hooks.test/", "http://127.1/"):
            attempt = await client.send(WebhookRequest(url=url), body=b"", headers={})
            assert attempt.error is not None and attempt.error.startswith("invalid_url: ")
    finally:
        await client.aclose()


async def test_the_backend_refuses_unless_allowed_and_never_dials_unix_sockets() -> None:
    backend = _VettedBackend(allow=AllowList(), resolve=dns({"h": ["10.1.2.3"]}))
    with pytest.raises(TargetRefused, match=r"10\.1\.2\.3"):
        await backend.connect_tcp("h", 80)
    with pytest.raises(TargetRefused):
        await backend.connect_unix_socket("/var/run/docker.sock")


async def test_dns_failure_is_a_connect_error() -> None:
    async def broken(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    backend = _VettedBackend(allow=parse_allow_list(""), resolve=broken)
    with pytest.raises(httpcore.ConnectError, match="cannot resolve h"):
        await backend.connect_tcp("h", 80)


def test_the_shared_client_dials_through_the_vetting_backend() -> None:
    # httpx has no public hook for a network backend: guard the private one we rely on.
    client = WebhookClient(timeout_s=1.0, allow=AllowList())
    pool = client._client._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, httpcore.AsyncConnectionPool)
    assert pool._network_backend is client.backend
    assert client._client.follow_redirects is False
