"""The embedded default's database: migrations and the API on SQLite."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from segment_svc.settings import SegmentSettings
from tests.integration.segment_svc.conftest import (
    PARTITIONS,
    TOPICS,
    Api,
    CardCatalogueStub,
    open_api,
)


@pytest.fixture
async def sqlite_api(
    tmp_path: Path, kafka_bootstrap: str, redis_url: str, card_catalogue: CardCatalogueStub,
    create_topics: Callable[..., list[str]],
) -> AsyncIterator[Api]:  # fmt: skip
    create_topics(partitions=PARTITIONS, topics=TOPICS)
    url = f"sqlite:///{tmp_path}/.run/segment-svc.db"
    # the migrate entrypoint, as ./dev runs it (it creates the .run folder)
    env = {"SEGMENT_SVC_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "segment_svc.entrypoints.migrate"], env=env,
                   cwd=tmp_path, check=True, timeout=60)  # fmt: skip
    settings = SegmentSettings(kafka_bootstrap=kafka_bootstrap, redis_url=redis_url,
                               partitions=PARTITIONS, key_prefix=f"s{uuid.uuid4().hex[:6]}:",
                               database_url=url, card_svc_url=card_catalogue.url)  # fmt: skip
    async for api in open_api(settings):
        yield api


async def test_crud_on_sqlite(sqlite_api: Api, card_catalogue: CardCatalogueStub) -> None:
    api = sqlite_api
    card_catalogue.known |= {1, 2}
    a = await api.create("A", {"card": 1})
    b = await api.create("B", {"or": [{"segment": a["id"]}, {"card": 2}]})
    assert (await api.client.delete(f"/segments/{a['id']}")).status_code == 409
    edited = await api.client.put(f"/segments/{b['id']}", json={"include": {"card": 2}})
    assert edited.json()["revision"] == 2
    assert (await api.client.delete(f"/segments/{a['id']}")).status_code == 204
    listing = (await api.client.get("/segments", params={"card_id": 2})).json()
    assert [s["name"] for s in listing["items"]] == ["B"]
    assert (await api.client.get("/health")).json()["status"] == "ok"
    assert (await api.client.get("/openapi.json")).status_code == 200
    assert (await api.client.get("/docs")).status_code == 200
