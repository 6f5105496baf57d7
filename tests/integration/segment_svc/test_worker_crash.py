"""A worker killed mid-stream (SIGKILL) and restarted loses no segment change and emits no
change twice under different ids: after dedupe by event id, the events replay exactly to the
set algebra over the final card sets."""

from __future__ import annotations

import asyncio
import random
import uuid
from pathlib import Path
from typing import Any

import orjson
from redis import Redis

from segshared.partitioning import partition_for
from segshared.topics import CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP
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

CARDS = (1, 2, 3, 4)


async def _wait_ready(api: Api) -> None:
    for _ in range(300):
        items = (await api.client.get("/segments")).json()["items"]
        if items and all(s["ready"] for s in items):
            return
        await asyncio.sleep(0.3)
    raise AssertionError("segments never became ready")


async def test_killed_worker_loses_nothing_and_doubles_nothing(
    api: Api, card_catalogue: CardCatalogueStub, sync_redis: Redis, tmp: Path
) -> None:
    settings, keys = api.settings, api.settings.keys
    rng = random.Random(5)
    players = [f"k{i}" for i in range(1500)]
    cards = {c: {p for p in players if rng.random() < 0.4} for c in CARDS}
    seed_cards(sync_redis, keys, PARTITIONS, cards)
    card_catalogue.known |= set(CARDS)
    docs: dict[int, dict[str, Any]] = {}
    a = await api.create(f"a-{uuid.uuid4().hex[:4]}", {"and": [{"card": 1}, {"card": 2}]})
    docs[a["id"]] = {"include": {"and": [{"card": 1}, {"card": 2}]}}
    b_doc = {"include": {"or": [{"segment": a["id"]}, {"card": 3}]}, "exclude": {"card": 4}}
    b = await api.create(f"b-{uuid.uuid4().hex[:4]}", **b_doc)
    docs[b["id"]] = b_doc

    worker = start_worker(settings, tmp)
    try:
        await _wait_ready(api)
        kafka = producer(settings.kafka_bootstrap)
        for n in range(20_000):
            player, card = rng.choice(players), rng.choice(CARDS)
            key = keys.card(partition_for(player, PARTITIONS), card)
            if player in cards[card]:
                cards[card].discard(player)
                sync_redis.srem(key, player)
                change = "exited"
            else:
                cards[card].add(player)
                sync_redis.sadd(key, player)
                change = "entered"
            mine = sorted(c for c in CARDS if player in cards[c])
            value = card_event(event_id=f"card:{card}:{change}:x{n}", player=player,
                               card_id=card, change=change, cards=mine)  # fmt: skip
            kafka.send(CARD_MEMBERSHIP, key=player.encode(), value=value,
                       partition=partition_for(player, PARTITIONS))  # fmt: skip
        kafka.flush()
        kafka.close()
        await asyncio.sleep(1.0)  # the worker is busy with the backlog...
        stop(worker, kill=True)  # ...when it is killed
        worker = start_worker(settings, tmp)

        final = oracle(docs, cards)
        sids = sorted(docs)

        def settled() -> bool:
            sets = {s: read_set(sync_redis, lambda p, s=s: keys.segment(p, s), PARTITIONS)
                    for s in sids}  # fmt: skip
            return sets == final and outbox_empty(sync_redis, keys, PARTITIONS) and (
                committed_up_to_end(settings.kafka_bootstrap, settings.app_id, CARD_MEMBERSHIP,
                                    PARTITIONS))  # fmt: skip

        wait_until(settled, timeout_s=120, what="the restarted worker to settle")
    finally:
        stop(worker)

    records = read_topic(settings.kafka_bootstrap, SEGMENT_MEMBERSHIP, partitions=PARTITIONS)
    by_id: dict[str, bytes] = {}
    events: list[dict[str, Any]] = []
    for record in records:
        event = orjson.loads(record.value)
        if event["event_id"] in by_id:
            assert by_id[event["event_id"]] == record.value  # a republished duplicate
            continue
        by_id[event["event_id"]] = record.value
        events.append(event)
    state: dict[int, set[str]] = {s: set() for s in docs}
    for event in events:  # partition order keeps each player's events in order
        members = state[event["segment_id"]]
        if event["change"] == "entered":
            assert event["player_id"] not in members, event
            members.add(event["player_id"])
        else:
            assert event["player_id"] in members, event
            members.discard(event["player_id"])
    assert state == final
    print(f"{len(records)} records, {len(records) - len(events)} duplicates by id")
