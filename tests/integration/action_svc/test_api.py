"""The actions API against real PostgreSQL and Redis: CRUD, validation, pause/resume, guards."""

from __future__ import annotations

from typing import Any

from tests.integration.action_svc.harness import ActionsApi, TargetsStub


def email_spec(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": "Welcome", "target": {"kind": "segment", "id": 1}, "type": "triggered",
        "trigger": {"on": "entered"}, "channel": "email",
        "definition": {"subject": "Hi {{username|there}}", "body": "From {{country}}"},
    }  # fmt: skip
    spec.update(overrides)
    return spec


async def test_create_read_list_update_delete(
    actions_api: ActionsApi, targets_stub: TargetsStub
) -> None:
    targets_stub.add("segment", 1)
    targets_stub.add("card", 4)
    created = await actions_api.create(**email_spec())
    assert created["status"] == "active" and created["revision"] == 1
    assert created["target"] == {"kind": "segment", "id": 1}
    client = actions_api.client
    got = (await client.get(f"/actions/{created['id']}")).json()
    assert got["definition"] == email_spec()["definition"]

    other = await actions_api.create(**email_spec(name="On card", target={"kind": "card", "id": 4}))
    listed = (await client.get("/actions", params={"target_kind": "segment"})).json()
    assert [a["id"] for a in listed["items"]] == [created["id"]] and listed["total"] == 1
    by_card = (await client.get("/actions", params={"target_kind": "card", "target_id": 4})).json()
    assert [a["id"] for a in by_card["items"]] == [other["id"]]

    response = await client.put(f"/actions/{created['id']}", json={"name": "Welcome v2"})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Welcome v2" and response.json()["revision"] == 2

    assert (await client.delete(f"/actions/{created['id']}")).status_code == 204
    assert (await client.get(f"/actions/{created['id']}")).status_code == 404
    assert (await client.delete(f"/actions/{created['id']}")).status_code == 404


async def test_invalid_specs_are_422_naming_the_problem(
    actions_api: ActionsApi, targets_stub: TargetsStub
) -> None:
    targets_stub.add("segment", 1)
    cases: list[tuple[dict[str, Any], str, str]] = [
        (email_spec(definition={"subject": "Hi {{balanse}}", "body": "x"}),
         "definition.subject", "balanse"),
        (email_spec(type="scheduled", trigger=None,
                    schedule={"every": "cron", "cron": "61 * * * *", "timezone": "UTC"}),
         "schedule", "61"),
        (email_spec(channel="webhook", definition={"url": "ftp://example.com/x"}),
         "definition.url", "http"),
        (email_spec(target={"kind": "segment", "id": 99}), "target.id", "does not exist"),
        (email_spec(type="triggered", trigger=None), "trigger", ""),
        (email_spec(type="scheduled", trigger=None,
                    schedule={"every": "day", "at": "09:00", "timezone": "Mars/Olympus"}),
         "schedule", "Mars/Olympus"),
    ]  # fmt: skip
    for spec, loc, needle in cases:
        response = await actions_api.client.post("/actions", json=spec)
        assert response.status_code == 422, (spec, response.text)
        errors = response.json()["errors"]
        assert any(e["loc"].startswith(loc) and needle in e["msg"] for e in errors), (
            loc, needle, errors)  # fmt: skip


async def test_webhook_to_an_internal_address_is_refused_unless_allowed(
    actions_api: ActionsApi, targets_stub: TargetsStub
) -> None:
    targets_stub.add("segment", 1)
    # The harness allows 127.0.0.1/32 only: another private address stays refused.
    for url, status in (("http://10.1.2.3/hook", 422), ("http://169.254.169.254/latest", 422),
                        ("http://127.0.0.1:9/hook", 201)):  # fmt: skip
        spec = email_spec(channel="webhook", definition={"url": url})
        response = await actions_api.client.post("/actions", json=spec)
        assert response.status_code == status, (url, response.text)
        if status == 422:
            assert response.json()["errors"][0]["loc"] == "definition.url"


async def test_pause_and_resume(actions_api: ActionsApi, targets_stub: TargetsStub) -> None:
    targets_stub.add("segment", 1)
    action = await actions_api.create(**email_spec())
    client = actions_api.client
    paused = (await client.post(f"/actions/{action['id']}/pause")).json()
    assert paused["status"] == "paused"
    resumed = await client.post(f"/actions/{action['id']}/resume", params={"replay_missed": True})
    assert resumed.json()["status"] == "active"
    stats = (await client.get(f"/actions/{action['id']}/stats")).json()
    assert stats == {}
    log = (await client.get(f"/actions/{action['id']}/log")).json()
    assert log == {"items": [], "next": None}


async def test_channel_settings_round_trip(actions_api: ActionsApi) -> None:
    client = actions_api.client
    before = {c["channel"]: c for c in (await client.get("/channels")).json()}
    assert set(before) == {"email", "sms", "push", "webhook"}
    assert before["email"]["frequency_cap"] is None
    body = {"frequency_cap": {"max": 2, "per_hours": 24}, "rate_limit_per_s": 500}
    put = await client.put("/channels/email", json=body)
    assert put.status_code == 200, put.text
    after = {c["channel"]: c for c in (await client.get("/channels")).json()}
    assert after["email"]["frequency_cap"] == {"max": 2, "per_hours": 24}
    assert after["email"]["rate_limit_per_s"] == 500
    assert (await client.put("/channels/fax", json=body)).status_code == 422
