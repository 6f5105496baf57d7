"""Every kind of card-svc error is an RFC 9457 problem (application/problem+json)."""

from __future__ import annotations

import httpx

from playerseg.demo.catalog import CARDS
from tests.support.problems import (
    assert_a_crash_is_a_problem,
    assert_http_errors_are_problems,
    assert_problem,
)

HIGH_ROLLERS = next(rule for name, _, rule in CARDS if name == "High rollers")


async def test_each_error_kind_is_a_problem(api: httpx.AsyncClient) -> None:
    # Request validation: the field and the fix, in ``errors``.
    body = assert_problem(await api.post("/cards", json={"name": "", "rule": HIGH_ROLLERS}), 422)
    assert [e["loc"] for e in body["errors"]] == ["body.name"]
    # A rule the domain refuses: its node in ``errors``.
    bad = {"field": "net_result", "op": "between", "value": 1}
    body = assert_problem(await api.post("/cards", json={"name": "Bad", "rule": bad}), 422)
    assert body["errors"] and all({"loc", "msg"} <= e.keys() for e in body["errors"])
    # Unknown card.
    body = assert_problem(await api.get("/cards/999999"), 404)
    assert "999999" in body["detail"]
    # Conflict: the name is taken.
    created = await api.post("/cards", json={"name": "Whales", "rule": HIGH_ROLLERS})
    assert created.status_code == 201, created.text
    body = assert_problem(await api.post("/cards", json={"name": "Whales", "rule": HIGH_ROLLERS}),
                          409)  # fmt: skip
    assert "conflicts" in body
    await assert_http_errors_are_problems(api, wrong_method=("DELETE", "/fields", "GET"))


async def test_an_unexpected_failure_is_a_problem_without_internals() -> None:
    await assert_a_crash_is_a_problem("card-svc", "/cards")
