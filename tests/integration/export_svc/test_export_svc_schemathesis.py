"""export-svc against its own OpenAPI (schemathesis): no server error, responses as documented."""

from __future__ import annotations

from tests.integration.export_svc.conftest import Harness, PeerStub
from tests.support.fuzz import fuzz


async def test_the_api_keeps_its_openapi_contract(harness: Harness, peers_stub: PeerStub) -> None:
    peers_stub.segments = {1: "VIPs at risk", 5: "Reactivation campaign"}
    peers_stub.cards = {1: "High rollers", 11: "VIP list (uploaded)"}
    failures = await fuzz(harness.client)
    assert not failures, "\n".join(failures)
