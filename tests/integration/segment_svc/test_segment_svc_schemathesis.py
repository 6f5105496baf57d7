"""segment-svc against its own OpenAPI (schemathesis): no server error, responses as documented."""

from __future__ import annotations

from tests.integration.segment_svc.conftest import Api, CardCatalogueStub
from tests.support.fuzz import fuzz


async def test_the_api_keeps_its_openapi_contract(
    api: Api, card_catalogue: CardCatalogueStub
) -> None:
    card_catalogue.known = set(range(1, 12))  # the default catalog's cards
    failures = await fuzz(api.client)
    assert not failures, "\n".join(failures)
