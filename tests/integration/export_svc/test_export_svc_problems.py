"""Every kind of export-svc error is an RFC 9457 problem (application/problem+json)."""

from __future__ import annotations

from tests.integration.export_svc.conftest import Harness, PeerStub
from tests.support.problems import (
    assert_a_crash_is_a_problem,
    assert_http_errors_are_problems,
    assert_problem,
)


async def test_each_error_kind_is_a_problem(harness: Harness, peers_stub: PeerStub) -> None:
    client = harness.client
    peers_stub.cards = {1: "High rollers"}
    body = assert_problem(await client.post("/exports", json={"card_id": 1, "segment_id": 1}),
                          422)  # fmt: skip
    assert "exactly one" in body["detail"] and body["errors"]
    body = assert_problem(await client.post("/exports", json={"segment_id": 99}), 404)
    assert "segment 99" in body["detail"]
    assert_problem(await client.get("/exports/999999"), 404)
    job = await client.post("/exports", json={"card_id": 1})
    assert job.status_code == 202, job.text
    # Queued, not yet run: its file is not there yet.
    body = assert_problem(await client.get(f"/exports/{job.json()['id']}/file"), 409)
    assert "queued" in body["detail"]
    await assert_http_errors_are_problems(client, wrong_method=("PUT", "/fields", "GET"))


async def test_an_unexpected_failure_is_a_problem_without_internals() -> None:
    await assert_a_crash_is_a_problem("export-svc", "/exports")
