"""action-svc against its own OpenAPI (schemathesis): no server error, responses as documented."""

from __future__ import annotations

from tests.integration.action_svc.harness import ActionsApi, TargetsStub
from tests.support.fuzz import fuzz


async def test_the_api_keeps_its_openapi_contract(
    actions_api: ActionsApi, targets_stub: TargetsStub
) -> None:
    for segment_id in range(1, 6):  # the default catalog's segments and cards
        targets_stub.add("segment", segment_id)
    for card_id in range(1, 12):
        targets_stub.add("card", card_id)
    failures = await fuzz(actions_api.client)
    assert not failures, "\n".join(failures)
