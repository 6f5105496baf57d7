"""Every kind of action-svc error is an RFC 9457 problem (application/problem+json)."""

from __future__ import annotations

from sqlalchemy import text

from segshared.db import make_engine
from tests.integration.action_svc.harness import ActionsApi, TargetsStub
from tests.support.problems import (
    assert_a_crash_is_a_problem,
    assert_http_errors_are_problems,
    assert_problem,
)

HOT_STREAK = {
    "name": "Hot streak", "target": {"kind": "segment", "id": 4}, "type": "triggered",
    "trigger": {"on": "entered"}, "channel": "email",
    "definition": {"subject": "Hi {{username|there}}", "body": "Biggest stake: {{biggest_bet}}"},
}  # fmt: skip


async def test_each_error_kind_is_a_problem(
    actions_api: ActionsApi, targets_stub: TargetsStub
) -> None:
    client = actions_api.client
    targets_stub.add("segment", 4, "Hot right now")
    body = assert_problem(await client.get("/actions", params={"target_kind": "player"}), 422)
    assert [e["loc"] for e in body["errors"]] == ["query.target_kind"]
    body = assert_problem(await client.post("/actions", json={**HOT_STREAK, "channel": "fax"}),
                          422)  # fmt: skip
    assert "channel" in {e["loc"] for e in body["errors"]}
    body = assert_problem(await client.get("/actions/999999"), 404)
    assert "999999" in body["detail"]
    action = await actions_api.create(**HOT_STREAK)
    # Stopped, as the worker leaves an action whose target was deleted.
    _stop(actions_api.settings.database_url, action["id"])
    body = assert_problem(await client.post(f"/actions/{action['id']}/pause"), 409)
    assert "stopped" in body["detail"]
    await assert_http_errors_are_problems(client, wrong_method=("DELETE", "/channels", "GET"))


def _stop(database_url: str, action_id: int) -> None:
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE actions SET status = 'stopped' WHERE id = :id"), {"id": action_id}
        )
    engine.dispose()


async def test_an_unexpected_failure_is_a_problem_without_internals() -> None:
    await assert_a_crash_is_a_problem("action-svc", "/actions")
