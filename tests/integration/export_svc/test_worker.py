"""The export worker: scheduled and on-change exports, segment deletion, retention.

Time is the test's: the worker and its runner read a clock the test moves.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from kafka import KafkaProducer

from export_svc.adapters.peers import HttpPeers
from export_svc.adapters.redis_members import RedisMembers
from export_svc.adapters.repository import JobStore
from export_svc.entrypoints.worker import Worker
from export_svc.settings import ExportSettings
from segshared.db import make_engine, make_session_factory
from segshared.redis_client import make_redis
from segshared.topics import SEGMENT_LIFECYCLE, SEGMENT_MEMBERSHIP
from tests.integration.export_svc.conftest import Harness, PeerStub, Seeder
from tests.integration.export_svc.helpers import parse_csv, profiles

pytestmark = pytest.mark.integration
START = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # the Friday before Malta's spring forward


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def worker(
    export_settings: ExportSettings, kafka_bootstrap: str
) -> AsyncIterator[tuple[Worker, Clock]]:
    clock = Clock()
    update: dict[str, Any] = {
        "debounce_s": 60.0, "max_delay_s": 300.0, "retention_s": 3600,
        "deleted_retention_s": 600, "kafka_bootstrap": kafka_bootstrap,
        "app_id": f"export-{uuid.uuid4().hex[:8]}",
    }  # fmt: skip
    settings = export_settings.model_copy(update=update)
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url, decode_responses=True)
    peers = HttpPeers(segment_url=settings.segment_svc_url, card_url=settings.card_svc_url)
    members = RedisMembers(redis=redis, keys=settings.keys, partitions=8, ttl_s=60)
    store = JobStore(make_session_factory(engine))
    yield Worker(settings=settings, store=store, members=members, peers=peers, clock=clock), clock
    await peers.aclose()
    await redis.aclose()
    engine.dispose()


@pytest.fixture
def segment(seeder: Seeder, peers_stub: PeerStub) -> tuple[int, set[str]]:
    segment_id = 7000 + uuid.uuid4().int % 1000
    data = profiles(50, seed=segment_id)
    seeder.players(data)
    seeder.members("segment", segment_id, data)
    peers_stub.segments[segment_id] = "Weekly whales"
    return segment_id, set(data)


async def _schedule(h: Harness, **body: Any) -> dict[str, Any]:
    response = await h.client.post("/schedules", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _finish(w: Worker) -> None:
    while await w.runner.start_claimed():
        await w.runner.wait_idle()


async def test_weekly_schedule_runs_at_local_time_across_dst(
    harness: Harness, worker: tuple[Worker, Clock], segment: tuple[int, set[str]]
) -> None:
    w, clock = worker
    segment_id, members = segment
    schedule = await _schedule(harness, segment_id=segment_id, kind="weekly", at="08:00",
                               weekday="monday", timezone="Europe/Malta",
                               columns=["player_id", "bets_count"])  # fmt: skip
    # Created "now" (the real clock); move it to our clock's view of the next run.
    malta = ZoneInfo("Europe/Malta")
    first = datetime(2026, 3, 30, 8, 0, tzinfo=malta).astimezone(UTC)  # after spring forward
    await asyncio.to_thread(w.store.update_schedule, schedule["id"], next_run_at=first)
    clock.now = first - timedelta(minutes=1)
    assert await w.tick() == []
    clock.now = first
    [job_id] = await w.tick()
    assert first.hour == 6  # 08:00 CEST is 06:00 UTC
    await _finish(w)
    job = await asyncio.to_thread(w.store.job, job_id)
    assert job is not None and job.status == "succeeded" and job.trigger == "schedule"
    _, rows = parse_csv(w.files.path(job.file_name).read_bytes())
    assert {r[0] for r in rows} == members
    after = (await harness.client.get(f"/schedules/{schedule['id']}")).json()
    assert datetime.fromisoformat(after["next_run_at"]) == datetime(2026, 4, 6, 8, 0, tzinfo=malta)
    assert await w.tick() == []  # not twice


async def test_on_change_export_is_debounced(
    harness: Harness, worker: tuple[Worker, Clock], segment: tuple[int, set[str]]
) -> None:
    w, clock = worker
    segment_id, _ = segment
    schedule = await _schedule(harness, segment_id=segment_id, kind="on_change")

    def change(offset: int) -> Any:
        value = {"type": "segment_membership_changed", "segment_id": segment_id,
                 "player_id": "1", "change": "entered"}  # fmt: skip
        return SimpleNamespace(topic=SEGMENT_MEMBERSHIP, value=json.dumps(value), offset=offset)

    await w.handle([change(1)])
    clock.now += timedelta(seconds=50)
    await w.handle([change(2)])  # still moving: the debounce starts again
    clock.now += timedelta(seconds=59)
    assert await w.tick() == []
    clock.now += timedelta(seconds=2)
    [job_id] = await w.tick()
    assert await w.tick() == []
    # A segment that never settles is still exported after max_delay (300 s).
    for _ in range(11):
        await w.handle([change(3)])
        clock.now += timedelta(seconds=30)
        queued = await w.tick()
        if queued:
            break
    assert queued and clock.now - START <= timedelta(seconds=111 + 330)
    await _finish(w)
    job = await asyncio.to_thread(w.store.job, job_id)
    assert job is not None and job.status == "succeeded" and job.schedule_id == schedule["id"]


async def test_deleted_segment_stops_its_schedules_and_its_files_expire(
    harness: Harness, worker: tuple[Worker, Clock], segment: tuple[int, set[str]]
) -> None:
    w, clock = worker
    segment_id, _ = segment
    schedule = await _schedule(harness, segment_id=segment_id, kind="on_change")
    done = await harness.client.post("/exports", json={"segment_id": segment_id})
    await harness.run_jobs()
    path = w.files.path(done.json()["file_name"])
    assert path.is_file()
    queued = await harness.client.post("/exports", json={"segment_id": segment_id})
    deleted = {"type": "segment_deleted", "segment_id": segment_id, "revision": 2,
               "name": "Weekly whales"}  # fmt: skip
    clock.now = deleted_at = datetime.now(UTC)
    record = SimpleNamespace(topic=SEGMENT_LIFECYCLE, value=json.dumps(deleted), offset=1)
    await w.handle([record])
    stopped = (await harness.client.get(f"/schedules/{schedule['id']}")).json()
    assert not stopped["active"] and "deleted" in stopped["stopped_reason"]
    assert (await harness.client.get(f"/exports/{queued.json()['id']}")).json()["status"] == (
        "cancelled"
    )
    clock.now = deleted_at + timedelta(seconds=599)
    await w.tick()
    assert path.is_file()
    clock.now += timedelta(seconds=2)  # deleted_retention_s = 600
    await w.tick()
    assert not path.exists()
    gone = await harness.client.get(f"/exports/{done.json()['id']}/file")
    assert gone.status_code == 410


async def test_files_are_removed_after_the_retention(
    harness: Harness, worker: tuple[Worker, Clock], segment: tuple[int, set[str]]
) -> None:
    w, clock = worker
    segment_id, _ = segment
    done = await harness.client.post("/exports", json={"segment_id": segment_id})
    await harness.run_jobs()
    job = (await harness.client.get(f"/exports/{done.json()['id']}")).json()
    path = w.files.path(job["file_name"])
    stray = w.files.path("left-over.csv")
    stray.write_text("x")  # no job knows it: removed once older than the retention (1 h)
    written = datetime.now(UTC)
    clock.now = written + timedelta(seconds=3590)
    await w.tick()
    assert path.is_file() and stray.is_file()
    clock.now = written + timedelta(seconds=3610)
    await w.tick()
    assert path.is_file() and not stray.exists()
    clock.now = datetime.fromisoformat(job["expires_at"]) + timedelta(seconds=1)
    await w.tick()
    assert not path.exists()
    assert (await harness.client.get(f"/exports/{job['id']}")).json()["status"] == "expired"


async def test_worker_consumes_segment_events_from_the_broker(
    harness: Harness,
    worker: tuple[Worker, Clock],
    segment: tuple[int, set[str]],
    kafka_bootstrap: str,
    create_topics: Callable[..., list[str]],
) -> None:
    w, _ = worker
    create_topics(partitions=8, topics=(SEGMENT_MEMBERSHIP, SEGMENT_LIFECYCLE))
    segment_id, _ = segment
    on_change = await _schedule(harness, segment_id=segment_id, kind="on_change")
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    event = {"event_id": f"e-{uuid.uuid4()}", "type": "segment_membership_changed",
             "version": 1, "occurred_at": "2026-01-01T00:00:00Z", "player_id": "1",
             "segment_id": segment_id, "change": "entered"}  # fmt: skip
    producer.send(SEGMENT_MEMBERSHIP, key=b"1", value=json.dumps(event).encode())
    producer.flush()
    task = asyncio.create_task(w.consumer().run())
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            row = await asyncio.to_thread(w.store.schedule, on_change["id"])
            if row is not None and row.first_change_at is not None:
                break
            await asyncio.sleep(0.5)
        else:
            pytest.fail("the membership change never reached the on-change schedule")
        deleted = {"event_id": f"e-{uuid.uuid4()}", "type": "segment_deleted", "version": 1,
                   "occurred_at": "2026-01-01T00:00:00Z", "segment_id": segment_id,
                   "revision": 3, "name": "Weekly whales"}  # fmt: skip
        producer.send(SEGMENT_LIFECYCLE, key=str(segment_id).encode(),
                      value=json.dumps(deleted).encode())  # fmt: skip
        producer.flush()
        while time.monotonic() < deadline:
            row = await asyncio.to_thread(w.store.schedule, on_change["id"])
            if row is not None and not row.active:
                break
            await asyncio.sleep(0.5)
        else:
            pytest.fail("segment_deleted never stopped the schedule")
    finally:
        task.cancel()
        producer.close()
        await asyncio.gather(task, return_exceptions=True)
