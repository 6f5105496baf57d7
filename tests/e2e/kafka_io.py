"""Counting, reading and publishing records on the platform's topics."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from playerseg.devstack.offsets import OffsetReader
from segshared.partitioning import partition_for

Offsets = dict[TopicPartition, int]


def end_offsets(bootstrap: str, topics: Iterable[str]) -> Offsets:
    """High watermark of every partition of ``topics`` (Tansu's quirk handled by OffsetReader)."""
    reader = OffsetReader(bootstrap)
    try:
        return reader.end_offsets(reader.partitions(topics))
    finally:
        reader.close()


def per_topic(offsets: Offsets) -> dict[str, int]:
    """Records ever written to each topic."""
    totals: dict[str, int] = {}
    for tp, end in offsets.items():
        totals[tp.topic] = totals.get(tp.topic, 0) + end
    return totals


def records_between(
    bootstrap: str, start: Offsets, end: Offsets, *, timeout_s: float = 60.0
) -> list[dict[str, Any]]:
    """Decoded values of the records from ``start`` up to ``end`` (no consumer group)."""
    wanted = {tp: stop for tp, stop in end.items() if stop > start.get(tp, 0)}
    if not wanted:
        return []
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    out: list[dict[str, Any]] = []
    try:
        consumer.assign(sorted(wanted))
        for tp in wanted:
            consumer.seek(tp, start.get(tp, 0))
        deadline = time.monotonic() + timeout_s
        pending = dict(wanted)
        while pending and time.monotonic() < deadline:
            for tp, batch in consumer.poll(timeout_ms=500, max_records=10_000).items():
                for record in batch:
                    if tp in pending and record.offset < pending[tp]:
                        out.append(orjson.loads(record.value))
                if batch and tp in pending and batch[-1].offset + 1 >= pending[tp]:
                    del pending[tp]
        assert not pending, f"could not read up to the end offsets of {sorted(pending)}"
    finally:
        consumer.close()
    return out


def publish_events(
    bootstrap: str, topic: str, events: list[dict[str, Any]], partitions: int
) -> None:
    """Send player events keyed and partitioned by player id, in order, and wait for the acks."""
    producer = KafkaProducer(
        bootstrap_servers=bootstrap.split(","),
        acks=1,
        enable_idempotence=False,  # the test broker has no idempotent producer
        max_in_flight_requests_per_connection=1,
    )
    try:
        for event in events:
            player = str(event["player_id"])
            producer.send(
                topic,
                key=player.encode(),
                value=orjson.dumps(event),
                partition=partition_for(player, partitions),
            ).get(timeout=30)
    finally:
        producer.close(timeout=10)


def big_bets(players: list[str], at: str, tag: str = "exp") -> list[dict[str, Any]]:
    """A lost bet of 20,000 by each player at ``at``: each becomes a high roller and net loser."""
    events: list[dict[str, Any]] = []
    for i, player in enumerate(players):
        bet = {"bet_id": f"{tag}{i}", "game_id": "1"}
        common = {"version": 1, "player_id": player, "occurred_at": at}
        events.append({"event_id": f"bet:{tag}{i}:placed", "type": "bet_placed", **common,
                       "data": {**bet, "amount": 20000.0}})  # fmt: skip
        events.append({"event_id": f"bet:{tag}{i}:settled", "type": "bet_settled", **common,
                       "data": {**bet, "outcome": "lost", "amount": 20000.0, "stake": 20000.0,
                                "busted_at": 1.5}})  # fmt: skip
    return events
