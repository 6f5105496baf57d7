"""A worker killed mid-stream (SIGKILL) and restarted loses no segment change and emits no
change twice under different ids: after dedupe by event id, the events replay exactly to the
set algebra over the final card sets."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import pytest
from redis import Redis

from segshared.keys import Keys
from segshared.partitioning import partition_for
from segshared.topics import CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP
from tests.integration.segment_svc.conftest import PARTITIONS, Api, CardCatalogueStub
from tests.integration.segment_svc.support import (
    card_event,
    committed_total,
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


CARDS = (1, 2, 3, 4)


async def _wait_ready(api: Api) -> None:
    for _ in range(300):
        items = (await api.client.get("/segments")).json()["items"]
        if items and all(s["ready"] for s in items):
            return
        await asyncio.sleep(0.3)
    raise AssertionError("segments never became ready")


def _shard_key(keys: Keys, segment_id: int, shard: int) -> str:
    return keys.segment(shard, segment_id)


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
        # the card sets move first (card-svc writes them before its events go out)...
        sent: list[tuple[int, bytes, bytes]] = []
        pipe = sync_redis.pipeline(transaction=False)
        for n in range(20_000):
            player, card = rng.choice(players), rng.choice(CARDS)
            key = keys.card(partition_for(player, PARTITIONS), card)
            change = "exited" if player in cards[card] else "entered"
            if change == "exited":
                cards[card].discard(player)
                pipe.srem(key, player)
            else:
                cards[card].add(player)
                pipe.sadd(key, player)
            mine = sorted(c for c in CARDS if player in cards[c])
            value = card_event(event_id=f"card:{card}:{change}:x{n}", player=player,
                               card_id=card, change=change, cards=mine)  # fmt: skip
            sent.append((partition_for(player, PARTITIONS), player.encode(), value))
        pipe.execute()
        # ...then the events, all at once, and the worker is killed in the middle of them
        kafka = producer(settings.kafka_bootstrap)
        for partition, key_bytes, value in sent:
            kafka.send(CARD_MEMBERSHIP, key=key_bytes, value=value, partition=partition)
        kafka.flush()
        kafka.close()
        await asyncio.sleep(0.7)
        stop(worker, kill=True)
        pending_at_kill = sum(
            sync_redis.xlen(keys.outbox(p, "segment-svc")) for p in range(PARTITIONS)
        )
        committed_at_kill = committed_total(settings.kafka_bootstrap, settings.app_id,
                                            CARD_MEMBERSHIP)  # fmt: skip
        worker = start_worker(settings, tmp)

        final = oracle(docs, cards)
        sids = sorted(docs)

        def settled() -> bool:
            sets = {s: read_set(sync_redis, partial(_shard_key, keys, s), PARTITIONS) for s in sids}
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
    print(f"{len(records)} records, {len(records) - len(events)} duplicates by id, "
          f"{pending_at_kill} events pending in the outbox and {committed_at_kill} card events "
          "committed at the kill")  # fmt: skip
