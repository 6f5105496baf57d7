"""action-svc's audit log: create, update, pause, resume and delete of actions and channel
settings, with the key's name and the changed fields."""

from __future__ import annotations

from tests.integration.action_svc.harness import ActionsApi, TargetsStub
from tests.integration.action_svc.test_api import email_spec
from tests.support.auth import key_headers_async


async def test_action_and_channel_changes_are_logged(
    actions_api: ActionsApi, targets_stub: TargetsStub
) -> None:
    targets_stub.add("segment", 1)
    client, settings = actions_api.client, actions_api.settings
    crm = await key_headers_async(settings.redis_url, settings.key_prefix, "actions", name="crm")
    action = (await actions_api.create(**email_spec()))["id"]
    assert (await client.put(f"/actions/{action}", json={"name": "Welcome v2"},
                             headers=crm)).status_code == 200  # fmt: skip
    assert (await client.post(f"/actions/{action}/pause", headers=crm)).status_code == 200
    assert (await client.post(f"/actions/{action}/resume", headers=crm)).status_code == 200
    body = {"frequency_cap": {"max": 2, "per_hours": 24}, "rate_limit_per_s": 50}
    assert (await client.put("/channels/sms", json=body, headers=crm)).status_code == 200
    assert (await client.delete(f"/actions/{action}")).status_code == 204

    log = (await client.get("/audit")).json()["items"]
    assert [(e["entity_kind"], e["operation"], e["request"], e["key_name"]) for e in log] == [
        ("action", "delete", "DELETE /actions/{action_id}", "tests"),
        ("channel", "create", "PUT /channels/{channel}", "crm"),
        ("action", "update", "POST /actions/{action_id}/resume", "crm"),
        ("action", "update", "POST /actions/{action_id}/pause", "crm"),
        ("action", "update", "PUT /actions/{action_id}", "crm"),
        ("action", "create", "POST /actions", "tests"),
    ]
    assert log[4]["changes"]["name"] == {"before": "Welcome", "after": "Welcome v2"}
    assert log[3]["changes"]["status"] == {"before": "active", "after": "paused"}
    assert log[2]["changes"]["status"] == {"before": "paused", "after": "active"}
    assert log[1]["entity_id"] == "sms" and log[1]["changes"]["cap_max"]["after"] == 2
    assert {e["entity_id"] for e in log if e["entity_kind"] == "action"} == {str(action)}
