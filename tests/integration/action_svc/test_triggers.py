"""Delayed triggers, pause/resume and deleted targets, against the real worker process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from redis import Redis

from action_svc.domain.idempotency import dispatch_key, triggered_occurrence
from action_svc.settings import ActionSettings
from segshared.partitioning import partition_for
from segshared.topics import SEGMENT_LIFECYCLE, SEGMENT_MEMBERSHIP, dispatch_topic, dlq
from tests.integration.action_svc.harness import (
    PARTITIONS,
    ActionsApi,
    TargetsStub,
    loaded,
    seed_target,
    segment_event,
    start_worker,
)
from tests.support.streams import producer, read_topic, stop, wait_until

SEGMENT = 7


@pytest.fixture
def worker(act_settings: ActionSettings, tmp_path: Path) -> Iterator[Any]:
    proc = start_worker(act_settings, tmp_path)
    yield proc
    stop(proc)


def _publish(settings: ActionSettings, events: list[tuple[str, str, str]]) -> None:
    kafka = producer(settings.kafka_bootstrap)
    for event_id, player, change in events:
        value = segment_event(event_id, player, SEGMENT, change)
        partition = partition_for(player, PARTITIONS)
        kafka.send(SEGMENT_MEMBERSHIP, key=player.encode(), partition=partition, value=value)
    kafka.flush()
    kafka.close()


def _keys_on(settings: ActionSettings, channel: str) -> list[str]:
    records = read_topic(settings.kafka_bootstrap, dispatch_topic(channel),
                         partitions=PARTITIONS, idle_s=1.0)  # fmt: skip
    return [orjson.loads(r.value)["idempotency_key"] for r in records]


async def _stats(api: ActionsApi, action_id: int) -> dict[str, int]:
    return dict((await api.client.get(f"/actions/{action_id}/stats")).json())


async def _until(check: Any, what: str, timeout_s: float = 30.0) -> None:
    for _ in range(int(timeout_s / 0.2)):
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


async def test_delayed_trigger_sends_only_to_players_still_in(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, worker: Any
) -> None:
    settings, keys = actions_api.settings, actions_api.settings.keys
    targets_stub.add("segment", SEGMENT)
    stay, leave = [f"in{i}" for i in range(20)], [f"out{i}" for i in range(10)]
    seed_target(sync_redis, keys, "segment", SEGMENT, stay + leave)
    action = await actions_api.create(
        name="Later", target={"kind": "segment", "id": SEGMENT}, type="triggered",
        trigger={"on": "entered", "delay_s": 2}, channel="email",
        definition={"template_id": "welcome-2"},
    )  # fmt: skip
    wait_until(lambda: loaded(sync_redis, keys, action["id"]), what="the worker to load it")
    _publish(settings, [(f"seg:{SEGMENT}:entered:{p}", p, "entered") for p in stay + leave])
    await asyncio.sleep(0.5)
    assert _keys_on(settings, "email") == []  # not before the delay
    seed_target(sync_redis, keys, "segment", SEGMENT, stay)  # the others left meanwhile

    async def released() -> bool:
        return sum((await _stats(actions_api, action["id"])).values()) == len(stay + leave)

    await _until(released, "the delayed triggers to be released")
    assert await _stats(actions_api, action["id"]) == {"dispatched": len(stay),
                                                       "skipped": len(leave)}  # fmt: skip
    expected = {dispatch_key(action["id"], triggered_occurrence(f"seg:{SEGMENT}:entered:{p}"), p)
                for p in stay}  # fmt: skip
    assert sorted(_keys_on(settings, "email")) == sorted(expected)


async def test_paused_actions_send_nothing_and_replay_only_when_asked(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, worker: Any
) -> None:
    settings, keys = actions_api.settings, actions_api.settings.keys
    targets_stub.add("segment", SEGMENT)
    players = [f"pz{i}" for i in range(30)]
    seed_target(sync_redis, keys, "segment", SEGMENT, players)
    spec = {"target": {"kind": "segment", "id": SEGMENT}, "type": "triggered",
            "trigger": {"on": "entered"}, "channel": "sms",
            "definition": {"body": "hi"}}  # fmt: skip
    replayed = await actions_api.create(name="replayed", **spec)
    dropped = await actions_api.create(name="dropped", **spec)
    for action in (replayed, dropped):
        await actions_api.client.post(f"/actions/{action['id']}/pause")
        wait_until(lambda a=action: loaded(sync_redis, keys, a["id"], "paused"), what="pause")
    _publish(settings, [(f"seg:{SEGMENT}:entered:{p}", p, "entered") for p in players])

    async def all_missed() -> bool:
        stats = [await _stats(actions_api, a["id"]) for a in (replayed, dropped)]
        return all(s.get("missed") == len(players) for s in stats)

    await _until(all_missed, "the paused actions to log what they missed")
    assert _keys_on(settings, "sms") == []
    await actions_api.client.post(f"/actions/{replayed['id']}/resume",
                                  params={"replay_missed": True})  # fmt: skip
    await actions_api.client.post(f"/actions/{dropped['id']}/resume")

    async def replay_done() -> bool:
        return (await _stats(actions_api, replayed["id"])).get("dispatched") == len(players)

    await _until(replay_done, "the missed triggers to be replayed")
    await asyncio.sleep(1.0)  # a few more ticks: the dropped action must stay silent
    keys_sent = _keys_on(settings, "sms")
    assert sorted(keys_sent) == sorted(
        dispatch_key(replayed["id"], triggered_occurrence(f"seg:{SEGMENT}:entered:{p}"), p)
        for p in players
    )
    assert "dispatched" not in await _stats(actions_api, dropped["id"])


async def test_deleting_the_segment_stops_its_actions(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, worker: Any
) -> None:
    settings = actions_api.settings
    targets_stub.add("segment", SEGMENT)
    targets_stub.add("segment", SEGMENT + 1)
    spec = {"type": "triggered", "trigger": {"on": "exited"}, "channel": "push",
            "definition": {"template_id": "bye"}}  # fmt: skip
    doomed = await actions_api.create(name="doomed", target={"kind": "segment", "id": SEGMENT},
                                      **spec)  # fmt: skip
    other = await actions_api.create(name="other", target={"kind": "segment", "id": SEGMENT + 1},
                                     **spec)  # fmt: skip
    deleted = orjson.dumps({"event_id": f"segment:{SEGMENT}:deleted:1", "version": 1,
                            "occurred_at": "2026-12-03T10:00:00Z", "type": "segment_deleted",
                            "segment_id": SEGMENT, "revision": 1, "name": "s"})  # fmt: skip
    kafka = producer(settings.kafka_bootstrap)
    kafka.send(SEGMENT_LIFECYCLE, key=str(SEGMENT).encode(), value=deleted)
    kafka.flush()
    kafka.close()

    async def stopped() -> bool:
        got = (await actions_api.client.get(f"/actions/{doomed['id']}")).json()
        return bool(got["status"] == "stopped")

    await _until(stopped, "the action of the deleted segment to stop")
    got = (await actions_api.client.get(f"/actions/{doomed['id']}")).json()
    assert got["status_reason"] == f"segment {SEGMENT} was deleted"
    assert (await actions_api.client.get(f"/actions/{other['id']}")).json()["status"] == "active"


async def test_malformed_membership_records_are_dead_lettered(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, worker: Any
) -> None:
    settings, keys = actions_api.settings, actions_api.settings.keys
    targets_stub.add("segment", SEGMENT)
    seed_target(sync_redis, keys, "segment", SEGMENT, ["ok1"])
    action = await actions_api.create(
        name="Hello", target={"kind": "segment", "id": SEGMENT}, type="triggered",
        trigger={"on": "entered"}, channel="push", definition={"template_id": "hello"},
    )  # fmt: skip
    wait_until(lambda: loaded(sync_redis, keys, action["id"]), what="the worker to load it")
    future = orjson.loads(segment_event("e-future", "ok1", SEGMENT, "entered"))
    future["version"] = 9
    bad = [b"not json", orjson.dumps({"segment_id": SEGMENT}), orjson.dumps(future)]
    kafka = producer(settings.kafka_bootstrap)
    for value in bad:
        kafka.send(SEGMENT_MEMBERSHIP, key=b"ok1", value=value,
                   partition=partition_for("ok1", PARTITIONS))  # fmt: skip
    kafka.flush()
    kafka.close()
    _publish(settings, [(f"seg:{SEGMENT}:entered:ok1", "ok1", "entered")])  # the stream goes on

    letters = read_topic(settings.kafka_bootstrap, dlq(SEGMENT_MEMBERSHIP), partitions=PARTITIONS,
                         until=lambda rs: len(rs) >= len(bad), timeout_s=30)  # fmt: skip
    reasons = sorted(orjson.loads(r.value)["reason"] for r in letters)
    assert reasons == ["malformed_json", "unknown_type", "unsupported_version"]
    assert _keys_on(settings, "push") == [
        dispatch_key(action["id"], triggered_occurrence(f"seg:{SEGMENT}:entered:ok1"), "ok1")
    ]
