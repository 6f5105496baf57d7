"""The console's app over ASGI: static screens, and the proxy against real local HTTP servers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from console_app.app import STATIC_DIR, create_app
from console_app.settings import ConsoleSettings
from playerseg.devstack.ports import free_port
from tests.support.http_stub import JsonStub, StubRequest

pytestmark = pytest.mark.integration
IMPORT = re.compile(r'^import .* from "\./([\w.]+)";$', re.MULTILINE)


@pytest.fixture
def segment_svc() -> Iterator[tuple[JsonStub, list[StubRequest]]]:
    seen: list[StubRequest] = []

    def answer(request: StubRequest) -> tuple[int, object]:
        seen.append(request)
        if request.path == "/segments/execute":
            error = {"loc": "include.and[1]", "msg": "card 99 does not exist"}
            return 422, {"detail": f"{error['loc']}: {error['msg']}", "errors": [error]}
        return 200, {"items": [], "total": 0}

    stub = JsonStub(answer)
    yield stub, seen
    stub.close()


@pytest.fixture
async def console(
    segment_svc: tuple[JsonStub, list[StubRequest]],
) -> AsyncIterator[httpx.AsyncClient]:
    down = f"http://127.0.0.1:{free_port()}"
    settings = ConsoleSettings(segment_svc_url=segment_svc[0].url, card_svc_url=down)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://console") as client,
    ):
        yield client


async def test_api_requests_reach_the_owning_service_with_path_query_and_body(
    console: httpx.AsyncClient, segment_svc: tuple[JsonStub, list[StubRequest]]
) -> None:
    _, seen = segment_svc
    listed = await console.get("/api/segments", params={"limit": "1000", "q": "vip"})
    assert listed.status_code == 200 and listed.json() == {"items": [], "total": 0}
    assert (seen[-1].method, seen[-1].path) == ("GET", "/segments")
    assert seen[-1].query == {"limit": ["1000"], "q": ["vip"]}

    body = {"include": {"and": [{"card": 1}, {"card": 99}]}}
    refused = await console.post("/api/segments/execute", json=body)
    assert refused.status_code == 422, "the service's answer passes through unchanged"
    assert refused.json()["errors"] == [{"loc": "include.and[1]", "msg": "card 99 does not exist"}]
    assert seen[-1].json == body

    signed = await console.get("/api/segments", headers={"Authorization": "Bearer psk_1_x"})
    assert signed.status_code == 200
    assert seen[-1].authorization == "Bearer psk_1_x", "the operator's key reaches the service"


async def test_unknown_apis_and_unreachable_services_say_what_is_wrong(
    console: httpx.AsyncClient,
) -> None:
    unknown = await console.get("/api/players")
    assert unknown.status_code == 404 and "/api/players" in unknown.json()["detail"]
    down = await console.get("/api/cards")
    assert down.status_code == 502 and "cannot be reached" in down.json()["detail"]
    assert [unknown.json()["instance"], down.json()["instance"]] == ["/api/players", "/api/cards"]


async def test_the_page_and_every_module_it_imports_are_served(console: httpx.AsyncClient) -> None:
    page = await console.get("/")
    assert page.status_code == 200 and "/static/js/main.js" in page.text
    assert (await console.get("/static/css/console.css")).status_code == 200
    # Follow the imports from main.js: a missing or misnamed module would break the screens.
    pending, served = ["main.js"], set()
    while pending:
        name = pending.pop()
        if name in served:
            continue
        response = await console.get(f"/static/js/{name}")
        assert response.status_code == 200, name
        assert "javascript" in response.headers["content-type"]
        served.add(name)
        pending += IMPORT.findall(response.text)
    on_disk = {p.name for p in Path(STATIC_DIR, "js").glob("*.js")}
    assert served == on_disk, f"modules no screen imports: {on_disk - served}"
