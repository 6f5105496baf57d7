"""One segment-svc worker applying a backlog of synthetic card.membership changes.

Definitions are created through the APIs and built while the worker runs; the worker is then
stopped, N changes are published, and the worker is started again, so that it consumes the
backlog with the machine to itself. Rate = N / (newest segment.membership record - the moment
the restarted worker began fetching). The Redis sets are then checked, segment by segment,
against a plain-Python evaluation of the players' final card sets.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson

from bench.definitions import create_cards, create_segments, wait_segments_ready
from bench.idle import wait_idle
from bench.kafka_times import topic_times
from bench.profiling import Profiler
from bench.stacks import ServiceProcess, bench_config, log_file, start_infra_only
from bench.synthetic import card_changes, expected_members, segment_shapes
from bench.worker_log import fetching_since
from playerseg.devstack import Stack
from playerseg.replay.producer import Record, kafka_producer, publish
from segshared.contracts import CardMembershipChanged
from segshared.keys import Keys
from segshared.partitioning import partition_for
from segshared.topics import CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP

TARGET_CHANGES_PER_S = 20_000
GROUP = "segment-svc"  # the worker's default app id


@dataclass
class SegmentResult:
    changes: int
    players: int
    publish_s: float
    applied_s: float  # worker fetching -> newest segment.membership record
    segment_records: int
    mismatches: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.changes / self.applied_s

    @property
    def verified(self) -> bool:
        return not self.mismatches


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
    config = bench_config(
        work_dir / "segment", partitions=partitions, services=["card-svc", "segment-svc"]
    )
    with log_file(work_dir / "segment-bench.log") as log:
        stack = Stack(config, output=log, color=False)
        start_infra_only(stack)
        env = config.env()
        worker = ServiceProcess("segment_svc.entrypoints.worker", env=env, log=log)
        try:
            for name, module, service in (
                ("card-api", "card_svc.entrypoints.api", "card-svc"),
                ("segment-api", "segment_svc.entrypoints.api", "segment-svc"),
            ):
                health = f"{stack.api_url(service)}/health"
                argv = [sys.executable, "-m", module]
                stack.supervisor.start(name, argv, env=env, health_url=health)
            worker.start()
            stack.supervisor.wait_healthy(timeout_s=120)
            with httpx.Client(timeout=30.0) as client:
                card_ids = create_cards(client, stack.api_url("card-svc"), count=cards)
                shapes = segment_shapes(rng, segments=segments, cards=cards)
                definitions = create_segments(
                    client, stack.api_url("segment-svc"), shapes, card_ids
                )
                wait_segments_ready(client, stack.api_url("segment-svc"), timeout_s=180)
            worker.stop()

            generated, final = card_changes(rng, events=changes, players=players, card_ids=card_ids)
            records = []
            for change in generated:
                value = orjson.dumps(change.doc)
                CardMembershipChanged.model_validate_json(value)  # a valid contract event
                part = partition_for(change.player_id, partitions)
                records.append(Record(part, change.player_id.encode(), value))
            before = topic_times(stack.bootstrap, [SEGMENT_MEMBERSHIP])[SEGMENT_MEMBERSHIP]
            started = time.perf_counter()
            with kafka_producer(stack.bootstrap) as producer:
                publish(producer, records, topic=CARD_MEMBERSHIP, progress=False)
            publish_s = time.perf_counter() - started

            worker_log = work_dir / "segment-worker.log"
            with worker_log.open("w") as wlog:
                worker.log = wlog
                worker.start()
                with Profiler(profile_dir, {"segment-worker": worker.pid}):
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
            mismatches = compare_sets(stack.redis_url, config.key_prefix, partitions, want)
        finally:
            worker.stop()
            stack.stop()
    return SegmentResult(
        changes=changes,
        players=len(final),
        publish_s=publish_s,
        applied_s=((after.last_ms or 0) / 1000) - began,
        segment_records=after.records - before.records,
        mismatches=mismatches,
    )


def compare_sets(
    redis_url: str, key_prefix: str, partitions: int, want: dict[int, set[str]]
) -> list[str]:
    """Segments whose shard sets' union differs from the plain-Python evaluation."""
    import redis

    keys = Keys(key_prefix)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    lines = []
    try:
        for segment_id, members in sorted(want.items()):
            got: set[str] = set()
            for p in range(partitions):
                got |= {str(m) for m in client.smembers(keys.segment(p, segment_id))}
            if got != members:
                extra, missing = sorted(got - members)[:5], sorted(members - got)[:5]
                lines.append(
                    f"segment {segment_id}: {len(got)} in Redis, {len(members)} expected; "
                    f"extra {extra}, missing {missing}"
                )
    finally:
        client.close()
    return lines
