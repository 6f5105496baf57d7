"""End to end: the bets file replayed at full speed through the whole embedded stack.

Player events/s end to end = events published / (newest membership record - replay start),
where the newest membership record's time is its Kafka timestamp (set when the outbox relay
produced it), not the moment idle detection noticed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.cpu import CpuMeter
from bench.kafka_times import topic_times
from bench.profiling import Profiler
from bench.stacks import bench_config, log_file
from bench.verify import catalog_counts_match
from playerseg.demo import seed
from playerseg.devstack import Stack
from playerseg.devstack.config import DEFAULT_BETS
from playerseg.devstack.idle import wait_idle
from playerseg.replay import replay_file
from segshared.topics import CARD_MEMBERSHIP, PLAYER_EVENTS, SEGMENT_MEMBERSHIP

TARGET_EVENTS_PER_S = 5_000


@dataclass
class E2EResult:
    events: int
    replay_s: float
    pipeline_s: float  # replay start -> newest membership record
    idle_s: float  # replay start -> idle detected (for reference only)
    card_records: int
    segment_records: int
    cpu: str = ""
    mismatches: list[str] = field(default_factory=list)

    @property
    def replay_rate(self) -> float:
        return self.events / self.replay_s

    @property
    def end_to_end_rate(self) -> float:
        return self.events / self.pipeline_s

    @property
    def verified(self) -> bool:
        return not self.mismatches


def run_e2e(
    *,
    work_dir: Path,
    partitions: int,
    bets: Path = DEFAULT_BETS,
    profile_dir: Path | None = None,
) -> E2EResult:
    """Start a fresh stack, seed the default catalog, replay ``bets``, measure."""
    config = bench_config(work_dir / "e2e", partitions=partitions, services=None)
    with log_file(work_dir / "e2e.log") as log, Stack(config, output=log, color=False) as stack:
        card_url, segment_url = stack.api_url("card-svc"), stack.api_url("segment-svc")
        seed(card_url, segment_url, headers=stack.api_headers)
        idle(stack, timeout_s=300)  # the VIP upload's changes are relayed first
        before = topic_times(stack.bootstrap, (CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP))
        workers = {c.name: c.proc.pid for c in stack.supervisor.children if "worker" in c.name}
        pids = {c.name: c.proc.pid for c in stack.supervisor.children}
        with Profiler(profile_dir, workers), CpuMeter(pids) as cpu:
            started_ms = time.time() * 1000
            stats = replay_file(
                bets, bootstrap=stack.bootstrap, partitions=partitions, progress=False
            )
            idle(stack, timeout_s=1800)
            idle_ms = time.time() * 1000
        after = topic_times(stack.bootstrap, (CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP))
        newest = max(t.last_ms or 0 for t in after.values())
        mismatches = catalog_counts_match(card_url, segment_url, bets, stack.api_headers)
    return E2EResult(
        events=stats.events,
        replay_s=stats.seconds,
        pipeline_s=(newest - started_ms) / 1000,
        idle_s=(idle_ms - started_ms) / 1000,
        card_records=after[CARD_MEMBERSHIP].records - before[CARD_MEMBERSHIP].records,
        segment_records=after[SEGMENT_MEMBERSHIP].records - before[SEGMENT_MEMBERSHIP].records,
        cpu=cpu.describe(),
        mismatches=mismatches,
    )


def idle(stack: Stack, *, timeout_s: float) -> None:
    """Every group caught up, player.events and card.membership consumed, outboxes empty."""
    wait_idle(
        bootstrap=stack.bootstrap,
        redis_url=stack.redis_url,
        must_consume=[PLAYER_EVENTS, CARD_MEMBERSHIP],
        key_prefix=stack.config.key_prefix,
        check=stack.supervisor.check,
        timeout_s=timeout_s,
        stable_s=2.0,
    )
