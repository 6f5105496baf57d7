"""Helpers of the segment-svc integration tests: seeding, an oracle, Kafka and the worker."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from redis import Redis

from segment_svc.settings import SegmentSettings
from segshared.keys import Keys
from segshared.partitioning import partition_for
from tests.support.streams import (  # noqa: F401 - the segment tests import them from here
    committed_total,
    committed_up_to_end,
    producer,
    read_set,
    read_topic,
    stop,
    wait_until,
)

Doc = Mapping[str, Any]


def members_of(
    doc: Doc, cards: Mapping[int, set[str]], segments: Mapping[int, set[str]]
) -> set[str]:
    """Oracle: the members of a node, by plain Python set operations."""
    ((kind, value),) = doc.items()
    if kind == "card":
        return set(cards.get(value, set()))
    if kind == "segment":
        return set(segments.get(value, set()))
    parts = [members_of(child, cards, segments) for child in value]
    return set.intersection(*parts) if kind == "and" else set.union(*parts)


def oracle(definitions: Mapping[int, Doc], cards: Mapping[int, set[str]]) -> dict[int, set[str]]:
    """Members of every segment (ids in an order where references come first: ascending)."""
    segments: dict[int, set[str]] = {}
    for sid in sorted(definitions):
        doc = definitions[sid]
        members = members_of(doc["include"], cards, segments)
        if doc.get("exclude") is not None:
            members -= members_of(doc["exclude"], cards, segments)
        segments[sid] = members
    return segments


def seed_cards(redis: Redis, keys: Keys, partitions: int, cards: Mapping[int, set[str]]) -> None:
    """Write card sets as card-svc would: each player in the shard of their partition."""
    pipe = redis.pipeline(transaction=False)
    for card_id, players in cards.items():
        for p in range(partitions):
            pipe.delete(keys.card(p, card_id))
        for player in players:
            pipe.sadd(keys.card(partition_for(player, partitions), card_id), player)
    pipe.execute()


def card_event(
    *,
    event_id: str,
    player: str,
    card_id: int,
    change: str,
    cards: Iterable[int],
    at: datetime | None = None,
) -> bytes:
    doc = {"event_id": event_id, "version": 1, "type": "card_membership_changed",
           "occurred_at": (at or datetime.now(tz=UTC)).isoformat().replace("+00:00", "Z"),
           "player_id": player, "card_id": card_id, "change": change,
           "cards": sorted(cards), "cause": "event", "cause_event_id": event_id}  # fmt: skip
    return orjson.dumps(doc)


def worker_env(settings: SegmentSettings, datadir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PLAYERSEG_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
        PLAYERSEG_REDIS_URL=settings.redis_url,
        PLAYERSEG_PARTITIONS=str(settings.partitions),
        PLAYERSEG_KEY_PREFIX=settings.key_prefix,
        PLAYERSEG_CONSUMER_SESSION_TIMEOUT_S="3",
        PLAYERSEG_CONSUMER_REBALANCE_TIMEOUT_S="3",
        SEGMENT_SVC_DATABASE_URL=settings.database_url,
        SEGMENT_SVC_APP_ID=settings.app_id,
        SEGMENT_SVC_DATADIR=str(datadir),
        SEGMENT_SVC_POLL_INTERVAL_S="0.3",
    )
    return env


def start_worker(settings: SegmentSettings, tmp: Path) -> subprocess.Popen[bytes]:
    """The real worker process (``python -m segment_svc.entrypoints.worker``)."""
    log = (tmp / "worker.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "segment_svc.entrypoints.worker"],
        env=worker_env(settings, tmp / "worker-data"),
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def outbox_empty(redis: Redis, keys: Keys, partitions: int) -> bool:
    return all(redis.xlen(keys.outbox(p, "segment-svc")) == 0 for p in range(partitions))
