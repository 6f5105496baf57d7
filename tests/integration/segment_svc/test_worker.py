"""The worker against real Tansu, Redis and PostgreSQL: builds, incremental changes, edits,
redelivery, deletion and dead letters, checked against plain-Python set computations."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import pytest
from redis import Redis

from segment_svc.settings import SegmentSettings
from segshared.keys import Keys
from segshared.members import player_order
from segshared.partitioning import partition_for
from segshared.topics import CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP, dlq
from tests.integration.segment_svc.conftest import PARTITIONS, Api, CardCatalogueStub
from tests.integration.segment_svc.support import (
    card_event,
    committed_up_to_end,
    oracle,
    outbox_empty,
    producer,
    read_set,
    read_topic,
    seed_cards,
    start_worker,
    stop,
    wait_until,
)


@pytest.fixture
def seg_kafka(fresh_kafka: Callable[[], str]) -> str:
    """A broker of this test's own: it reads whole topics, which must hold only its records."""
    return fresh_kafka()


CARDS = (1, 2, 3, 4, 5)


def _definition(name: str, ids: dict[str, int]) -> dict[str, Any]:
    """The test segments; later ones reference earlier ones (and s4 reads through two)."""
    if name == "s1":
        return {"include": {"and": [{"card": 1}, {"card": 2}]}}
    if name == "s2":
        return {"include": {"or": [{"card": 3}, {"card": 4}]}, "exclude": {"card": 5}}
    if name == "s3":
        return {"include": {"or": [{"segment": ids["s1"]}, {"card": 5}]}, "exclude": {"card": 4}}
    return {"include": {"and": [{"segment": ids["s3"]}, {"segment": ids["s2"]}]}}


class World:
    """The card sets as card-svc keeps them, mirrored in Python."""

    def __init__(self, redis: Redis, settings: SegmentSettings, players: list[str]) -> None:
        self.redis, self.settings, self.players = redis, settings, players
        self.cards: dict[int, set[str]] = {c: set() for c in CARDS}

    def player_cards(self, player: str) -> list[int]:
        return [c for c in CARDS if player in self.cards[c]]

    def toggle(self, player: str, card: int) -> str:
        key = self.settings.keys.card(partition_for(player, PARTITIONS), card)
        if player in self.cards[card]:
            self.cards[card].discard(player)
            self.redis.srem(key, player)
            return "exited"
        self.cards[card].add(player)
        self.redis.sadd(key, player)
        return "entered"


def _segment_sets(redis: Redis, settings: SegmentSettings, ids: list[int]) -> dict[int, set[str]]:
    keys = settings.keys
    return {sid: read_set(redis, partial(_shard_key, keys, sid), PARTITIONS) for sid in ids}


def _shard_key(keys: Keys, segment_id: int, shard: int) -> str:
    return keys.segment(shard, segment_id)


async def _all_ready(api: Api) -> bool:
    items = (await api.client.get("/segments", params={"limit": 1000})).json()["items"]
    return all(s["ready"] for s in items)


async def _wait_ready(api: Api, timeout_s: float = 90) -> None:
    import asyncio
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await _all_ready(api):
            return
        await asyncio.sleep(0.3)
    raise AssertionError("segments never became ready")


def _membership_events(settings: SegmentSettings, at_least: int) -> list[dict[str, Any]]:
    records = read_topic(settings.kafka_bootstrap, SEGMENT_MEMBERSHIP, partitions=PARTITIONS,
                         until=lambda rs: len(rs) >= at_least, timeout_s=60)  # fmt: skip
    return [orjson.loads(r.value) for r in records]


def _replay(start: dict[int, set[str]], events: list[dict[str, Any]]) -> dict[int, set[str]]:
    """Apply events in order, checking each is a real transition."""
    state = {sid: set(members) for sid, members in start.items()}
    for event in events:
        members = state.setdefault(event["segment_id"], set())
        if event["change"] == "entered":
            assert event["player_id"] not in members, event
            members.add(event["player_id"])
        else:
            assert event["player_id"] in members, event
            members.discard(event["player_id"])
    return state


async def test_worker_keeps_segments_equal_to_the_set_algebra(
    api: Api, card_catalogue: CardCatalogueStub, sync_redis: Redis, tmp: Path
) -> None:
    settings = api.settings
    rng = random.Random(11)
    players = [f"p{i}" for i in range(3000)]
    world = World(sync_redis, settings, players)
    for c in CARDS:
        world.cards[c] = {p for p in players if rng.random() < 0.35}
    seed_cards(sync_redis, settings.keys, PARTITIONS, world.cards)
    card_catalogue.known |= set(CARDS)

    ids: dict[str, int] = {}
    docs: dict[int, dict[str, Any]] = {}
    for name in ("s1", "s2", "s3", "s4"):
        doc = _definition(name, ids)
        created = await api.create(f"{name}-{uuid.uuid4().hex[:4]}", **doc)
        ids[name] = created["id"]
        docs[created["id"]] = doc
    sids = sorted(docs)

    worker = start_worker(settings, tmp)
    try:
        await _run_scenario(api, world, sync_redis, ids, docs, sids, rng)
    finally:
        stop(worker)
        print((tmp / "worker.log").read_text()[-5000:])


async def _run_scenario(
    api: Api, world: World, redis: Redis, ids: dict[str, int], docs: dict[int, dict[str, Any]],
    sids: list[int], rng: random.Random,
) -> None:  # fmt: skip
    settings, keys = api.settings, api.settings.keys

    # 1. builds: every segment equals the set algebra over the seeded card sets
    await _wait_ready(api)
    built = oracle(docs, world.cards)
    assert _segment_sets(redis, settings, sids) == built
    wait_until(lambda: outbox_empty(redis, keys, PARTITIONS), what="outbox relayed")
    n_built = sum(len(m) for m in built.values())
    events = _membership_events(settings, n_built)
    assert len(events) == n_built
    assert {(e["segment_id"], e["player_id"]) for e in events} == {
        (sid, p) for sid, members in built.items() for p in members
    }
    assert all(e["change"] == "entered" and e["cause"] == "definition" for e in events)
    sample = next(e for e in events if e["segment_id"] == ids["s1"])
    assert sample["event_id"] == f"seg:{ids['s1']}:entered:rev:1:{sample['player_id']}"
    s4_sample = next((e for e in events if e["segment_id"] == ids["s4"]), None)
    if s4_sample is not None:  # a dependent's build names the revisions it read
        assert f":rev:1:{ids['s1']}r1.{ids['s2']}r1.{ids['s3']}r1:" in s4_sample["event_id"]
    s1 = ids["s1"]
    detail = (await api.client.get(f"/segments/{s1}")).json()
    assert (detail["count"], detail["ready"]) == (len(built[s1]), True)
    page = (await api.client.get(f"/segments/{s1}/members", params={"limit": 1000})).json()
    in_order = sorted(built[s1], key=player_order)
    assert page["total"] == len(built[s1])
    assert [r["player_id"] for r in page["items"]] == in_order[:1000]
    last = await api.client.get(
        f"/segments/{s1}/members", params={"order": "desc", "limit": 3, "columns": "player_id"}
    )
    assert [r["player_id"] for r in last.json()["items"]] == in_order[::-1][:3]
    for player in world.players[:300]:  # the per-player index agrees with the sets
        p = partition_for(player, PARTITIONS)
        psegs = {int(x) for x in redis.smembers(keys.player_segments(p, player))}
        assert psegs == {sid for sid, members in built.items() if player in members}

    # 2. incremental: card changes published as card-svc would, each with the whole card set
    kafka = producer(settings.kafka_bootstrap)
    sent: list[tuple[int, bytes, bytes]] = []
    for n in range(3000):
        player, card = rng.choice(world.players[:600]), rng.choice(CARDS)
        change = world.toggle(player, card)
        value = card_event(event_id=f"card:{card}:{change}:ev{n}", player=player, card_id=card,
                           change=change, cards=world.player_cards(player))  # fmt: skip
        sent.append((partition_for(player, PARTITIONS), player.encode(), value))
    for partition, key, value in sent:
        kafka.send(CARD_MEMBERSHIP, key=key, value=value, partition=partition)
    kafka.flush()
    final = oracle(docs, world.cards)
    wait_until(lambda: _segment_sets(redis, settings, sids) == final, timeout_s=90,
               what="incremental changes applied")  # fmt: skip
    wait_until(lambda: outbox_empty(redis, keys, PARTITIONS), what="outbox relayed")
    moved = sum(len(final[s] ^ built[s]) for s in sids)
    assert moved > 50
    events = _membership_events(settings, n_built + moved)
    incremental = [e for e in events if e["cause"] == "event"]
    assert _replay(built, incremental) == final
    assert len({e["event_id"] for e in incremental}) == len(incremental)
    assert all(e["event_id"].startswith(f"seg:{e['segment_id']}:{e['change']}:card:")
               for e in incremental)  # fmt: skip

    # 3. redelivery of the same card events changes nothing and emits nothing
    before = len(events)
    seen = {e["event_id"] for e in events}
    assert len(seen) == before
    for partition, key, value in sent:
        kafka.send(CARD_MEMBERSHIP, key=key, value=value, partition=partition)
    kafka.flush()
    wait_until(lambda: committed_up_to_end(settings.kafka_bootstrap, settings.app_id,
                                           CARD_MEMBERSHIP, PARTITIONS),
               timeout_s=90, what="redelivered events consumed")  # fmt: skip
    assert outbox_empty(redis, keys, PARTITIONS)
    assert len(_membership_events(settings, before)) == before
    assert _segment_sets(redis, settings, sids) == final

    # 4. an edit emits exactly the difference, for the segment and the segments reading it
    s2 = ids["s2"]
    new_s2 = {"include": {"or": [{"card": 3}, {"card": 1}]}, "exclude": {"card": 5}}
    response = await api.client.put(f"/segments/{s2}", json=new_s2)
    assert response.status_code == 200 and response.json()["revision"] == 2
    edited_docs = {**docs, s2: new_s2}
    after_edit = oracle(edited_docs, world.cards)
    await _wait_ready(api)
    assert _segment_sets(redis, settings, sids) == after_edit
    wait_until(lambda: outbox_empty(redis, keys, PARTITIONS), what="outbox relayed")
    diff = sum(len(after_edit[s] ^ final[s]) for s in sids)
    assert diff > 0
    events = _membership_events(settings, before + diff)
    assert len(events) == before + diff
    # records come partition by partition: pick the new ones by id (a player's stay in order)
    edit_events = [e for e in events if e["event_id"] not in seen]
    assert len(edit_events) == diff
    assert {e["segment_id"] for e in edit_events} <= {s2, ids["s4"]}
    assert all(e["cause"] == "definition" for e in edit_events)
    assert _replay(final, edit_events) == after_edit

    # 5. deleting a segment drops its sets and index entries
    s4 = ids["s4"]
    assert (await api.client.delete(f"/segments/{s4}")).status_code == 204

    def dropped() -> bool:
        gone = all(not redis.exists(keys.segment(p, s4)) for p in range(PARTITIONS))
        revs = all(redis.hget(keys.segment_revisions(p), str(s4)) is None
                   for p in range(PARTITIONS))  # fmt: skip
        return gone and revs

    wait_until(dropped, what="deleted segment dropped")
    for player in after_edit[s4]:
        p = partition_for(player, PARTITIONS)
        assert str(s4).encode() not in redis.smembers(keys.player_segments(p, player))

    # 6. a malformed record goes to the dead-letter topic and the stream carries on
    kafka.send(CARD_MEMBERSHIP, key=b"p0", value=b"{not json", partition=0)
    player = world.players[0]
    change = world.toggle(player, 1)
    kafka.send(CARD_MEMBERSHIP, key=player.encode(), partition=partition_for(player, PARTITIONS),
               value=card_event(event_id=f"card:1:{change}:last", player=player, card_id=1,
                                change=change, cards=world.player_cards(player)))  # fmt: skip
    kafka.flush()
    kafka.close()
    at_end = oracle({k: v for k, v in edited_docs.items() if k != s4}, world.cards)
    wait_until(lambda: _segment_sets(redis, settings, sids[:3]) == {s: at_end[s] for s in sids[:3]},
               what="stream carried on after a dead letter")  # fmt: skip
    letters = read_topic(settings.kafka_bootstrap, dlq(CARD_MEMBERSHIP), partitions=PARTITIONS,
                         until=lambda rs: any(b"not json" in r.value for r in rs))  # fmt: skip
    letter = next(orjson.loads(r.value) for r in letters if b"not json" in r.value)
    assert (letter["reason"], letter["topic"], letter["partition"]) == (
        "malformed_json",
        CARD_MEMBERSHIP,
        0,
    )
    counts = redis.hgetall(keys.dead_letter_counts())
    assert int(counts[f"{CARD_MEMBERSHIP}|malformed_json".encode()]) >= 1
