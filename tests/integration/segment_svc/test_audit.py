"""segment-svc's audit log: each caller's create, update, clone and delete, with the key's
name and the changed fields, newest first and paged."""

from __future__ import annotations

from tests.integration.segment_svc.conftest import Api, CardCatalogueStub
from tests.support.auth import key_headers_async


async def test_changes_are_logged_with_the_key_and_the_changed_fields(
    api: Api, card_catalogue: CardCatalogueStub
) -> None:
    card_catalogue.known |= {1, 2}
    editor = await key_headers_async(api.settings.redis_url, api.settings.key_prefix,
                                     "read", "write", name="crm editor")  # fmt: skip
    created = await api.create("Audited", {"card": 1})
    segment = created["id"]
    renamed = await api.client.put(f"/segments/{segment}", json={"name": "Audited (renamed)"},
                                   headers=editor)  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    clone = (await api.client.post(f"/segments/{segment}/clone", headers=editor)).json()
    assert (await api.client.delete(f"/segments/{clone['id']}")).status_code in (200, 204)

    log = (await api.client.get("/audit", params={"entity_kind": "segment"})).json()["items"]
    assert [(e["entity_id"], e["operation"], e["request"], e["key_name"]) for e in log] == [
        (str(clone["id"]), "delete", "DELETE /segments/{segment_id}", "tests"),
        (str(clone["id"]), "create", "POST /segments/{segment_id}/clone", "crm editor"),
        (str(segment), "update", "PUT /segments/{segment_id}", "crm editor"),
        (str(segment), "create", "POST /segments", "tests"),
    ]
    newest_first = [e["id"] for e in log]
    assert newest_first == sorted(newest_first, reverse=True)
    assert all(e["at"].endswith("Z") for e in log), "times carry their zone"
    update = log[2]["changes"]
    assert update["name"] == {"before": "Audited", "after": "Audited (renamed)"}
    assert "include" not in update, "unchanged fields are left out"
    assert log[3]["changes"]["name"] == {"before": None, "after": "Audited"}
    assert log[0]["changes"]["name"]["before"] == clone["name"]
    assert all(e["correlation_id"] and e["key_id"] for e in log)

    newest = {"entity_kind": "segment", "entity_id": segment, "limit": 1}
    one = (await api.client.get("/audit", params=newest)).json()
    assert [e["operation"] for e in one["items"]] == ["update"]
    rest = {"entity_id": segment, "before": one["next_before"]}
    older = (await api.client.get("/audit", params=rest)).json()
    assert [e["operation"] for e in older["items"]] == ["create"]
    assert older["next_before"] is None

    refused = await api.client.get("/audit", headers=editor)
    assert refused.status_code == 403 and "'admin'" in refused.json()["detail"]
