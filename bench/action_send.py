"""One action-svc worker sending a Single Send email to every member of a large segment.

Per segment size, on a fresh stack (Tansu, Redis, SQLite for action-svc; no other service):
the segment's shard sets and the members' profile hashes are written to Redis as segment-svc
and card-svc keep them; the action-svc worker is started and waits until its consumers own
their partitions; then the Single Send is created through action-svc's real API (in this
process, over ASGI). The worker plans the run on its next tick, snapshots each shard set,
walks it with SSCAN, reads the profiles, commits the dispatches with its Lua script and its
outbox relay publishes them to ``action.dispatch.email``.

Rate = N / (newest record's Kafka timestamp - the moment the action was created), so the tick
that picks the action up is included; the rate from the first record is printed beside it.
The worker's peak RSS (VmHWM, read before it is stopped) is compared between the sizes: a
send walks its target in chunks, so memory must not grow with the segment. The topic is then
read back whole: N records, N distinct idempotency keys, one per member, each rendered with
that member's profile, else the bench reports a wrong answer.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from redis import Redis

from action_svc.adapters.action_keys import ActionKeys
from bench.action_api import actions_api, create_single_send, send_outcome
from bench.action_seed import BODY, SUBJECT, Member, members, seed_segment
from bench.action_topic import Dispatched, read_all, wait_records
from bench.cpu import CpuMeter
from bench.profiling import Profiler
from bench.report import Row
from bench.stacks import ServiceProcess, bench_config, log_file, start_infra_only
from playerseg.devstack import Stack
from segshared.contracts.dispatch import DispatchCommand
from segshared.keys import Keys
from segshared.partitioning import partition_for
from segshared.topics import dispatch_topic

TARGET_DISPATCH_PER_S = 20_000
#: A 4x larger segment may raise the worker's peak RSS by at most this fraction ("flat").
FLAT_TOLERANCE = 0.10
SEGMENT_ID = 7001
SEGMENT_NAME = "Weekend reactivation"
TOPIC = dispatch_topic("email")
WORKER = "action_svc.entrypoints.worker"
#: The three batch consumers of the worker (memberships, webhooks, lifecycle) each log it.
_READY_LINE = "Worker ready"
_CONSUMERS = 3


@dataclass
class SendResult:
    members: int
    records: int
    created_to_last_s: float  # action created -> newest record on the topic
    first_to_last_s: float  # oldest -> newest record on the topic
    ready_rss_kib: int  # worker RSS once ready, before the send
    peak_rss_kib: int  # VmHWM: the worker's high-water mark over its whole life
    worker_cpu_s: float
    redis_peak_mib: float
    cpu: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.members / self.created_to_last_s

    @property
    def rate_from_first(self) -> float:
        return self.members / self.first_to_last_s

    @property
    def per_cpu_second(self) -> float:
        return self.members / self.worker_cpu_s if self.worker_cpu_s else 0.0

    @property
    def verified(self) -> bool:
        return not self.mismatches


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of ``pid`` in KiB, from /proc."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0])
    return out


def wait_ready(worker: ServiceProcess, log_path: Path, *, timeout_s: float = 60.0) -> None:
    """Until every consumer of the worker owns its partitions (the send needs its shards)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        worker.check()
        if log_path.read_text(errors="replace").count(_READY_LINE) >= _CONSUMERS:
            return
        time.sleep(0.2)
    raise TimeoutError(f"the action-svc worker was not ready after {timeout_s:.0f}s: {log_path}")


def sent_and_relayed(
    redis: Redis, keys: Keys, *, action_id: int, partitions: int, want: int
) -> Callable[[], bool]:
    """Whether the worker has committed ``want`` dispatches and its outboxes are empty."""
    act = ActionKeys(keys)

    def done() -> bool:
        pipe = redis.pipeline(transaction=False)
        for p in range(partitions):
            pipe.hget(act.stats(p, action_id), "dispatched")
            pipe.xlen(act.outbox(p))
        replies = pipe.execute()
        dispatched = sum(int(n or 0) for n in replies[0::2])
        return dispatched >= want and not any(replies[1::2])

    return done


def check_dispatches(
    records: list[Dispatched], players: list[Member], *, action_id: int, partitions: int
) -> list[str]:
    """Why the topic is not exactly one right command per member (empty: it is)."""
    problems: list[str] = []
    by_id = {m.player_id: m for m in players}
    keys: set[str] = set()
    seen: Counter[str] = Counter()
    bad: Counter[str] = Counter()
    for i, record in enumerate(records):
        doc: dict[str, Any] = orjson.loads(record.value)
        if i % 1000 == 0:  # the contract itself, on a sample (the hot path builds plain dicts)
            DispatchCommand.model_validate(doc)
        player = str(doc["player_id"])
        keys.add(str(doc["idempotency_key"]))
        seen[player] += 1
        member = by_id.get(player)
        if member is None:
            bad["player not in the segment"] += 1
            continue
        content = doc.get("content") or {}
        if content.get("subject") != member.subject() or content.get("body") != member.body():
            bad["subject or body not rendered from the profile"] += 1
        if doc.get("action_id") != action_id or doc.get("channel") != "email":
            bad["wrong action or channel"] += 1
        if record.key != player.encode() or record.partition != partition_for(player, partitions):
            bad["record key or partition is not the player's"] += 1
    if len(records) != len(players):
        problems.append(f"{len(records):,} records on {TOPIC}, want {len(players):,}")
    if len(keys) != len(records):
        problems.append(f"{len(keys):,} distinct idempotency keys in {len(records):,} records")
    missing = len(set(by_id) - set(seen))
    if missing:
        problems.append(f"{missing:,} members got no command")
    twice = sum(1 for n in seen.values() if n > 1)
    if twice:
        problems.append(f"{twice:,} players got more than one command")
    problems += [f"{n:,} records: {why}" for why, n in bad.items()]
    return problems


async def _create(api: dict[str, Any]) -> tuple[int, float]:
    async with actions_api(**api) as client:
        return await create_single_send(client, segment_id=SEGMENT_ID, subject=SUBJECT, body=BODY)


async def _outcome(api: dict[str, Any], action_id: int, want: int) -> list[str]:
    """What the API says of the finished send, as problems (empty: completed, N dispatched)."""
    async with actions_api(**api) as client:
        got: dict[str, Any] = {}
        for _ in range(50):
            got = await send_outcome(client, action_id)
            if got["status"] == "completed":
                break
            await asyncio.sleep(0.2)
    problems = []
    if got["status"] != "completed" or [r["status"] for r in got["runs"]] != ["done"]:
        problems.append(f"action {got['status']}, runs {got['runs']}")
    if got["stats"] != {"dispatched": want}:
        problems.append(f"action stats {got['stats']}, want {{'dispatched': {want}}}")
    return problems


def run_action_send(
    *, work_dir: Path, partitions: int, size: int, env: Mapping[str, str] | None = None,
    profile_dir: Path | None = None, timeout_s: float = 240.0,
) -> SendResult:  # fmt: skip
    """One Single Send to a segment of ``size`` members on a fresh stack; measured, checked."""
    env = dict(env or {})
    config = bench_config(work_dir / f"action-{size}", partitions=partitions,
                          services=["action-svc"])  # fmt: skip
    players = members(size)
    with log_file(work_dir / f"action-{size}-stack.log") as log:
        stack = Stack(config, output=log, color=False)
        start_infra_only(stack)  # broker, Redis, every topic (ensure_topics), SQLite migrated
        worker_log = work_dir / f"action-{size}-worker.log"
        wlog = worker_log.open("w")
        worker = ServiceProcess(WORKER, env={**config.env(), **env}, log=wlog)
        api = dict(bootstrap=stack.bootstrap, redis_url=stack.redis_url, partitions=partitions,
                   key_prefix=config.key_prefix, database_url=config.database_url("action-svc"),
                   segment_id=SEGMENT_ID, segment_name=SEGMENT_NAME)  # fmt: skip
        try:
            redis = Redis.from_url(stack.redis_url)
            keys = Keys(config.key_prefix)
            seed_segment(redis, keys, segment_id=SEGMENT_ID,
                         partitions=partitions, players=players)  # fmt: skip
            worker.start()
            wait_ready(worker, worker_log)
            ready_rss = memory_kib(worker.pid)["VmRSS"]
            pids = {c.name: c.proc.pid for c in stack.supervisor.children}
            pids["action-worker"] = worker.pid
            with Profiler(profile_dir, {"action-worker": worker.pid}), CpuMeter(pids) as cpu:
                action_id, created = asyncio.run(_create(api))
                sent = sent_and_relayed(redis, keys, action_id=action_id, partitions=partitions,
                                        want=size)  # fmt: skip
                wait_records(stack.bootstrap, TOPIC, want=size, check=worker.check, sent=sent,
                             timeout_s=timeout_s)  # fmt: skip
            memory = memory_kib(worker.pid)  # before stopping: VmHWM is the peak so far
            redis_peak = int(redis.info("memory")["used_memory_peak"]) / 2**20
            mismatches = asyncio.run(_outcome(api, action_id, size))
            worker.stop()
            records = read_all(stack.bootstrap, TOPIC)
            mismatches += check_dispatches(records, players, action_id=action_id,
                                           partitions=partitions)  # fmt: skip
            redis.close()
        finally:
            worker.stop()
            wlog.close()
            stack.stop()
    stamps = [r.timestamp_ms for r in records] or [0]
    return SendResult(
        members=size,
        records=len(records),
        created_to_last_s=max(stamps) / 1000 - created,
        first_to_last_s=(max(stamps) - min(stamps)) / 1000,
        ready_rss_kib=ready_rss,
        peak_rss_kib=memory["VmHWM"],
        worker_cpu_s=cpu.used.get("action-worker", 0.0),
        redis_peak_mib=redis_peak,
        cpu=cpu.describe(),
        env=env,
        mismatches=mismatches,
    )


def worker_env(send_chunk: int | None) -> dict[str, str]:
    """Settings the bench gives the worker beyond the stack's (only what is asked for)."""
    return {"ACTION_SVC_SEND_CHUNK": str(send_chunk)} if send_chunk else {}


def describe(result: SendResult) -> str:
    mib = 1024
    return (
        f"{result.members:,} members: {result.records:,} commands in "
        f"{result.created_to_last_s:.2f}s from creation ({result.rate_from_first:,.0f}/s from "
        f"the first record over {result.first_to_last_s:.2f}s); worker peak RSS "
        f"{result.peak_rss_kib / mib:.1f} MiB (ready: {result.ready_rss_kib / mib:.1f} MiB), "
        f"{result.worker_cpu_s:.1f} worker CPU-s = {result.per_cpu_second:,.0f} commands per "
        f"CPU-s; Redis peak {result.redis_peak_mib:.0f} MiB"
    )


def action_rows(
    *, work_dir: Path, partitions: int, sizes: tuple[int, int], send_chunk: int | None,
    profile_dir: Path | None,
) -> list[Row]:  # fmt: skip
    """Single Sends to a smaller and a larger segment: throughput (the target applies to the
    larger), and the worker's peak memory compared between the two (flat in segment size)."""
    results: list[SendResult] = []
    for size in sorted(set(sizes)):
        print(f"running the action-svc single send bench ({size:,} members)...", flush=True)
        results.append(
            run_action_send(
                work_dir=work_dir,
                partitions=partitions,
                size=size,
                env=worker_env(send_chunk),
                profile_dir=profile_dir / f"action-{size}" if profile_dir else None,
            )
        )
    rows = []
    for r in sorted(results, key=lambda r: -r.members):
        check = (
            "one rendered command per member, keys distinct"
            if r.verified
            else "WRONG: " + "; ".join(r.mismatches[:5])
        )
        rows.append(
            Row(
                f"action-svc single send to {r.members:,} members (1 worker)",
                r.rate,
                "commands/s",
                TARGET_DISPATCH_PER_S if r.members == max(sizes) else None,
                f"{describe(r)}; {check}\n    CPU seconds meanwhile: {r.cpu}",
                verified=r.verified,
            )
        )
    if len(results) > 1:
        small, big = results[0], results[-1]
        rows.append(
            Row(
                f"action-svc worker peak RSS: {small.members:,} / {big.members:,} members",
                100 * small.peak_rss_kib / big.peak_rss_kib,
                "%",
                100 / (1 + FLAT_TOLERANCE),
                f"{small.peak_rss_kib / 1024:.1f} MiB / {big.peak_rss_kib / 1024:.1f} MiB "
                f"(VmHWM); flat = a {big.members / small.members:g}x larger segment raises the "
                f"peak by at most {FLAT_TOLERANCE:.0%}",
            )
        )
    return rows
