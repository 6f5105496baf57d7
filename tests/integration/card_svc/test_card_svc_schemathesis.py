"""card-svc against its own OpenAPI (schemathesis): no server error, responses as documented."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.card_svc.conftest import CardEnv
from tests.support.fuzz import fuzz
from tests.support.http_stub import JsonStub


@pytest.fixture
def segments_stub() -> Iterator[JsonStub]:
    """segment-svc as card-svc asks it before a delete: no segment uses any card."""
    stub = JsonStub(lambda _: (200, {"items": [], "total": 0}))
    yield stub
    stub.close()


@pytest.fixture
def served_api(
    card_env: CardEnv, segments_stub: JsonStub, request: pytest.FixtureRequest
) -> httpx.AsyncClient:
    # Every peer answers, so a 5xx can only be card-svc's own fault.
    card_env.settings = card_env.settings.model_copy(update={"segment_svc_url": segments_stub.url})
    client: httpx.AsyncClient = request.getfixturevalue("api")
    return client


async def test_the_api_keeps_its_openapi_contract(served_api: httpx.AsyncClient) -> None:
    failures = await fuzz(served_api)
    assert not failures, "\n".join(failures)
