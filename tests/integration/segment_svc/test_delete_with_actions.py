"""Deleting a segment that live actions use: 409 naming them, 503 if action-svc is down,
``force=true`` deletes anyway (its actions stop on the lifecycle event)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from segment_svc.adapters.action_usage import HttpActionUsage
from segment_svc.settings import SegmentSettings
from tests.integration.segment_svc.conftest import CardCatalogueStub, open_api
from tests.support.http_stub import JsonStub, StubRequest


class ActionsStub(JsonStub):
    """Answers ``GET /actions?target_kind=segment&target_id=N&status=...`` from ``live``."""

    def __init__(self) -> None:
        self.live: dict[int, list[dict[str, Any]]] = {}
        self.asked: list[dict[str, list[str]]] = []
        super().__init__(self._answer)

    def _answer(self, request: StubRequest) -> tuple[int, Any]:
        self.asked.append(request.query)
        items = self.live.get(int(request.query["target_id"][0]), [])
        return 200, {"items": items, "total": len(items)}


@pytest.fixture
def actions_stub() -> Iterator[ActionsStub]:
    stub = ActionsStub()
    yield stub
    stub.close()


async def test_delete_refuses_a_segment_with_live_actions(
    seg_settings: SegmentSettings, card_catalogue: CardCatalogueStub, actions_stub: ActionsStub
) -> None:
    card_catalogue.known |= {1}
    async for api in open_api(seg_settings, HttpActionUsage(base_url=actions_stub.url)):
        used = await api.create("used", {"card": 1})
        free = await api.create("free", {"card": 1})
        actions_stub.live[used["id"]] = [
            {"id": 4, "name": "Welcome", "status": "active"},
            {"id": 6, "name": "Later", "status": "paused"},
        ]
        refused = await api.client.delete(f"/segments/{used['id']}")
        assert refused.status_code == 409, refused.text
        body = refused.json()
        assert "4 (Welcome, active)" in body["detail"] and "force=true" in body["detail"]
        assert [c["id"] for c in body["conflicts"]] == [4, 6]
        assert actions_stub.asked[-1]["status"] == ["active,paused"]
        assert (await api.client.get(f"/segments/{used['id']}")).status_code == 200

        assert (await api.client.delete(f"/segments/{free['id']}")).status_code == 204
        forced = await api.client.delete(f"/segments/{used['id']}", params={"force": "true"})
        assert forced.status_code == 204
        assert (await api.client.get(f"/segments/{used['id']}")).status_code == 404


async def test_delete_is_503_when_action_svc_cannot_be_asked(
    seg_settings: SegmentSettings, card_catalogue: CardCatalogueStub
) -> None:
    card_catalogue.known |= {1}
    down = HttpActionUsage(base_url="http://127.0.0.1:9", timeout_s=1.0)  # nothing listens
    async for harness in open_api(seg_settings, down):
        segment = await harness.create("kept", {"card": 1})
        response = await harness.client.delete(f"/segments/{segment['id']}")
        assert response.status_code == 503 and "force=true" in response.json()["detail"]
        assert (await harness.client.get(f"/segments/{segment['id']}")).status_code == 200
