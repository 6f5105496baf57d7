"""Every kind of segment-svc error is an RFC 9457 problem (application/problem+json)."""

from __future__ import annotations

from tests.integration.segment_svc.conftest import Api, CardCatalogueStub
from tests.support.problems import (
    assert_a_crash_is_a_problem,
    assert_http_errors_are_problems,
    assert_problem,
)


async def test_each_error_kind_is_a_problem(api: Api, card_catalogue: CardCatalogueStub) -> None:
    client = api.client
    card_catalogue.known = {1, 7}
    body = assert_problem(await client.get("/segments", params={"limit": 0}), 422)
    assert [e["loc"] for e in body["errors"]] == ["query.limit"]
    missing = {"name": "Lost", "include": {"and": [{"card": 1}, {"card": 99}]}}
    body = assert_problem(await client.post("/segments", json=missing), 422)
    assert body["errors"] == [{"loc": "include.and[1]", "msg": "card 99 does not exist"}]
    body = assert_problem(await client.get("/segments/999999"), 404)
    assert "999999" in body["detail"]
    await api.create("VIPs at risk", {"and": [{"card": 1}, {"card": 7}]})
    taken = {"name": "VIPs at risk", "include": {"card": 1}}
    assert_problem(await client.post("/segments", json=taken), 409)
    await assert_http_errors_are_problems(
        client, wrong_method=("PATCH", "/segments/execute", "POST")
    )


async def test_an_unexpected_failure_is_a_problem_without_internals() -> None:
    await assert_a_crash_is_a_problem("segment-svc", "/segments")
