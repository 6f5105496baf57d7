"""One segment-svc worker applying a backlog of synthetic card.membership changes.

Definitions are created through the APIs and built while the worker runs; the worker is then
stopped, N changes are published, and the worker is started again, so that it consumes the
backlog with the machine to itself. Rate = N / (newest segment.membership record - the moment
the restarted worker began fetching). The Redis sets are then checked, segment by segment,
against a plain-Python evaluation of the players' final card sets.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson

from bench.cpu import CpuMeter
from bench.definitions import create_cards, create_segments, wait_segments_ready
from bench.kafka_times import topic_times
from bench.profiling import Profiler
from bench.stacks import ServiceProcess, bench_config, log_file, start_apis, start_infra_only
from bench.synthetic import Node, card_changes, expected_members, segment_shapes
from bench.verify import segment_sets_match
from bench.worker_log import fetching_since
from playerseg.devstack import Stack
from playerseg.devstack.idle import wait_idle
from playerseg.replay.producer import Record, kafka_producer, publish
from segshared.contracts import CardMembershipChanged
from segshared.partitioning import partition_for
from segshared.topics import CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP

TARGET_CHANGES_PER_S = 20_000
GROUP = "segment-svc"  # the worker's default app id
Definitions = list[tuple[int, Node, Node | None]]


@dataclass
class SegmentResult:
    changes: int
    players: int
    publish_s: float
    applied_s: float  # worker fetching -> newest segment.membership record
    segment_records: int
    cpu: str = ""
    mismatches: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.changes / self.applied_s

    @property
    def verified(self) -> bool:
        return not self.mismatches


def define(
    stack: Stack, rng: random.Random, *, cards: int, segments: int
) -> tuple[list[int], Definitions]:
    """Create the cards and segments; return once the worker has built every segment."""
    with httpx.Client(timeout=30.0, headers=stack.api_headers) as client:
        card_ids = create_cards(client, stack.api_url("card-svc"), count=cards)
        shapes = segment_shapes(rng, segments=segments, cards=cards)
        created = create_segments(client, stack.api_url("segment-svc"), shapes, card_ids)
        wait_segments_ready(client, stack.api_url("segment-svc"), timeout_s=180)
    return card_ids, created


def encode(changes: list[dict[str, object]], partitions: int) -> list[Record]:
    """Records keyed and partitioned by player, each checked against the contract."""
    records = []
    for doc in changes:
        value = orjson.dumps(doc)
        CardMembershipChanged.model_validate_json(value)
        player = str(doc["player_id"])
        records.append(Record(partition_for(player, partitions), player.encode(), value))
    return records


def run_segment_bench(
    *,
    work_dir: Path,
    partitions: int,
    changes: int,
    players: int,
    cards: int = 20,
    segments: int = 100,
    seed: int = 7,
    profile_dir: Path | None = None,
) -> SegmentResult:
    rng = random.Random(seed)
    services = ["card-svc", "segment-svc"]
    config = bench_config(work_dir / "segment", partitions=partitions, services=services)
    with log_file(work_dir / "segment-bench.log") as log:
        stack = Stack(config, output=log, color=False)
        start_infra_only(stack)
        worker = ServiceProcess("segment_svc.entrypoints.worker", env=config.env(), log=log)
        try:
            start_apis(stack, services)
            worker.start()
            card_ids, definitions = define(stack, rng, cards=cards, segments=segments)
            worker.stop()

            generated, final = card_changes(rng, events=changes, players=players, card_ids=card_ids)
            records = encode([c.doc for c in generated], partitions)
            before = topic_times(stack.bootstrap, [SEGMENT_MEMBERSHIP])[SEGMENT_MEMBERSHIP]
            started = time.perf_counter()
            with kafka_producer(stack.bootstrap) as producer:
                publish(producer, records, topic=CARD_MEMBERSHIP, progress=False)
            publish_s = time.perf_counter() - started

            worker_log = work_dir / "segment-worker.log"
            with worker_log.open("w") as wlog:
                worker.log = wlog
                worker.start()
                pids = {c.name: c.proc.pid for c in stack.supervisor.children}
                pids["segment-worker"] = worker.pid
                with Profiler(profile_dir, {"segment-worker": worker.pid}), CpuMeter(pids) as cpu:
                    wait_idle(
                        bootstrap=stack.bootstrap,
                        redis_url=stack.redis_url,
                        groups={GROUP: [CARD_MEMBERSHIP]},
                        must_consume=[CARD_MEMBERSHIP],
                        check=worker.check,
                        timeout_s=1800,
                        stable_s=2.0,
                    )
            began = fetching_since(worker_log)
            after = topic_times(stack.bootstrap, [SEGMENT_MEMBERSHIP])[SEGMENT_MEMBERSHIP]
            want = expected_members(definitions, final)
            mismatches = segment_sets_match(stack.redis_url, config.key_prefix, partitions, want)
        finally:
            worker.stop()
            stack.stop()
    return SegmentResult(
        changes=changes,
        players=len(final),
        publish_s=publish_s,
        applied_s=((after.last_ms or 0) / 1000) - began,
        segment_records=after.records - before.records,
        cpu=cpu.describe(),
        mismatches=mismatches,
    )
