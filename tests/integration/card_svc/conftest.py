"""card-svc against the real broker (a Tansu of its own per test), Redis and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from card_svc.entrypoints.migrate import migrate
from card_svc.settings import CardSettings
from playerseg.devstack.ports import free_port
from playerseg.devstack.topics import ensure_topics
from playerseg.keys import create_key
from segshared.auth.domain import bearer_headers
from segshared.db import make_engine

for _path in (Path(__file__).resolve().parents[3], Path(__file__).resolve().parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

PARTITIONS = 4


@dataclass
class CardEnv:
    """Settings of one test's card-svc and the environment of its processes."""

    settings: CardSettings
    env: dict[str, str]
    logs: Path
    #: Present an admin key of this test's Redis prefix (the processes use it to call each other).
    headers: dict[str, str]
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, module: str, **extra_env: str) -> subprocess.Popen[bytes]:
        """Run ``python -m <module>`` with this test's settings; stopped after the test."""
        log = (self.logs / f"{module.rsplit('.', 1)[-1]}-{len(self.procs)}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", module],
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def card_env(
    fresh_kafka: Callable[[], str], redis_url: str, pg_url: str, tmp_path: Path
) -> Iterator[CardEnv]:
    bootstrap = fresh_kafka()
    ensure_topics(bootstrap, partitions=PARTITIONS)
    migrate(database_url=pg_url)
    engine = make_engine(pg_url)
    with engine.begin() as conn:  # the worker evaluates every card of the database
        conn.execute(text("DELETE FROM card_static_members"))
        conn.execute(text("DELETE FROM cards"))
        conn.execute(text("DELETE FROM card_audit"))
    engine.dispose()
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    token, _ = create_key(redis_url, prefix, name="tests")
    values: dict[str, Any] = {
        "PLAYERSEG_KAFKA_BOOTSTRAP": bootstrap,
        "PLAYERSEG_REDIS_URL": redis_url,
        "PLAYERSEG_PARTITIONS": str(PARTITIONS),
        "PLAYERSEG_KEY_PREFIX": prefix,
        "PLAYERSEG_SERVICE_KEY": token,
        "CARD_SVC_DATABASE_URL": pg_url,
        "CARD_SVC_CLOCK_TICK_S": "0.2",
        "CARD_SVC_CATALOG_POLL_S": "0.3",
        "CARD_SVC_BATCH_WITHIN_S": "0.1",
        "CARD_SVC_DATADIR": str(tmp_path / "faust"),
        "CARD_SVC_SEGMENT_SVC_URL": f"http://127.0.0.1:{free_port()}",
    }
    env = {**os.environ, **values}
    settings = CardSettings.model_validate({k: v for k, v in _as_fields(values).items()})
    card = CardEnv(settings=settings, env=env, logs=tmp_path, headers=bearer_headers(token))
    yield card
    card.stop_all()


def _as_fields(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        for prefix in ("PLAYERSEG_", "CARD_SVC_"):
            if key.startswith(prefix):
                out[key.removeprefix(prefix).lower()] = value
    return out


@pytest.fixture
async def api(card_env: CardEnv) -> AsyncIterator[httpx.AsyncClient]:
    """The card-svc API in-process, over the test's adapters."""
    from card_svc_it import in_process_api  # importable once this module extended sys.path

    async with in_process_api(card_env.settings) as client:
        yield client
