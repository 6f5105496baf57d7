"""The action-svc worker process against a real broker, Redis and PostgreSQL.

Oracles: the dispatches a triggered action must produce are computed from the membership
events the test publishes and the profiles it seeds; a send's from the target set it seeds.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from redis import Redis

from action_svc.domain.idempotency import dispatch_key, triggered_occurrence
from action_svc.settings import ActionSettings
from segshared.partitioning import partition_for
from segshared.topics import SEGMENT_MEMBERSHIP, dispatch_topic
from tests.integration.action_svc.harness import (
    PARTITIONS,
    ActionsApi,
    TargetsStub,
    loaded,
    seed_profiles,
    seed_target,
    segment_event,
    start_worker,
)
from tests.support.streams import producer, read_topic, stop, wait_until

SEGMENT = 5


@pytest.fixture
def worker(act_settings: ActionSettings, tmp_path: Path) -> Iterator[Any]:
    proc = start_worker(act_settings, tmp_path)
    yield proc
    stop(proc)


def _dispatched(settings: ActionSettings, channel: str, expect: int) -> list[dict[str, Any]]:
    records = read_topic(settings.kafka_bootstrap, dispatch_topic(channel), partitions=PARTITIONS,
                         until=lambda rs: len(rs) >= expect, timeout_s=60)  # fmt: skip
    return [orjson.loads(r.value) for r in records]


def _stats_equal(api_stats: dict[str, int], expected: Counter[str]) -> bool:
    return {k: v for k, v in api_stats.items() if v} == {k: v for k, v in expected.items() if v}


async def test_triggered_on_entry_with_opt_out_and_frequency_cap(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, worker: Any
) -> None:
    settings, keys = actions_api.settings, actions_api.settings.keys
    targets_stub.add("segment", SEGMENT)
    rng = random.Random(11)
    players = [f"t{i}" for i in range(300)]
    opted_out = {p for p in players if rng.random() < 0.2}
    seed_profiles(sync_redis, keys, {p: {"email_opt_in": "false" if p in opted_out else "true",
                                         "country": rng.choice(["MT", "SE"])}
                                     for p in players})  # fmt: skip
    action = await actions_api.create(
        name="Welcome", target={"kind": "segment", "id": SEGMENT}, type="triggered",
        trigger={"on": "entered"}, channel="email",
        definition={"subject": "Hi {{player_id}}", "body": "From {{country}}"},
        frequency_cap={"max": 2, "per_hours": 24},
    )  # fmt: skip
    wait_until(lambda: loaded(sync_redis, keys, action["id"]), what="the worker to load it")

    # Each player enters and exits a few times; the oracle walks the same events.
    events: list[tuple[str, str, str]] = []
    expected: Counter[str] = Counter()
    wanted_keys: set[str] = set()
    sent_per_player: Counter[str] = Counter()
    for n in range(1200):
        player = rng.choice(players)
        change = rng.choice(["entered", "exited"])
        event_id = f"seg:{SEGMENT}:{change}:x{n}"
        events.append((event_id, player, change))
        if change != "entered":
            continue
        if player in opted_out:
            expected["suppressed"] += 1
        elif sent_per_player[player] >= 2:
            expected["capped"] += 1
        else:
            sent_per_player[player] += 1
            expected["dispatched"] += 1
            wanted_keys.add(dispatch_key(action["id"], triggered_occurrence(event_id), player))
    kafka = producer(settings.kafka_bootstrap)
    for event_id, player, change in events:
        value = segment_event(event_id, player, SEGMENT, change)
        kafka.send(SEGMENT_MEMBERSHIP, key=player.encode(), value=value,
                   partition=partition_for(player, PARTITIONS))  # fmt: skip
        if rng.random() < 0.05:  # a redelivered record must change nothing
            kafka.send(SEGMENT_MEMBERSHIP, key=player.encode(), value=value,
                       partition=partition_for(player, PARTITIONS))  # fmt: skip
    kafka.flush()
    kafka.close()

    commands = _dispatched(settings, "email", expected["dispatched"])
    assert {c["idempotency_key"] for c in commands} == wanted_keys
    assert len(commands) == len(wanted_keys)
    for command in commands:
        profile_country = sync_redis.hget(
            keys.player_profile(partition_for(command["player_id"], PARTITIONS),
                                command["player_id"]), "country")  # fmt: skip
        assert command["content"]["subject"] == f"Hi {command['player_id']}"
        assert command["content"]["body"] == f"From {profile_country.decode()}"
        assert command["reason"] == "entered" and command["action_id"] == action["id"]

    async def stats() -> dict[str, int]:
        return dict((await actions_api.client.get(f"/actions/{action['id']}/stats")).json())

    assert _stats_equal(await stats(), expected)
    log = (await actions_api.client.get(f"/actions/{action['id']}/log",
                                        params={"limit": 1000})).json()  # fmt: skip
    outcomes = Counter(e["outcome"] for e in log["items"])
    assert sum(outcomes.values()) == min(1000, sum(expected.values()))
    reasons = {e["reason"] for e in log["items"] if e["outcome"] == "suppressed"}
    assert reasons == {"opted out of email"}


async def test_single_send_reaches_every_member_once(
    actions_api: ActionsApi, targets_stub: TargetsStub, sync_redis: Redis, worker: Any
) -> None:
    settings, keys = actions_api.settings, actions_api.settings.keys
    targets_stub.add("card", 9)
    members = [f"s{i}" for i in range(5000)]
    seed_target(sync_redis, keys, "card", 9, members)
    action = await actions_api.create(
        name="Bonus", target={"kind": "card", "id": 9}, type="single_send", single_send={},
        channel="sms", definition={"body": "Bonus for {{player_id}}"},
    )  # fmt: skip
    commands = _dispatched(settings, "sms", len(members))
    assert sorted(c["player_id"] for c in commands) == sorted(members)
    assert len({c["idempotency_key"] for c in commands}) == len(members)

    async def finished() -> dict[str, Any]:
        runs = (await actions_api.client.get(f"/actions/{action['id']}/runs")).json()
        return dict(runs[0]) if runs else {}

    run: dict[str, Any] = {}
    for _ in range(100):
        run = await finished()
        if run.get("status") == "done":
            break
        await asyncio.sleep(0.2)
    assert run["status"] == "done" and run["total"] == len(members)
    assert run["processed"] >= len(members)
    got = (await actions_api.client.get(f"/actions/{action['id']}")).json()
    assert got["status"] == "completed" and got["stats"] == {"dispatched": len(members)}
