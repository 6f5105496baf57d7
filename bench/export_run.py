"""One export of the benchmark, in a process of its own: ``python -m bench.export_run``.

The export runs exactly as export-svc runs a job (`export_svc.service_layer.exports`), into a
file; prints ``{"seconds", "rows", "peak_rss_mb"}`` as JSON (wall time from the header to the
last byte, peak resident memory of this process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
from pathlib import Path

from export_svc.adapters.redis_members import RedisMembers
from export_svc.domain.jobs import ExportSpec
from export_svc.service_layer.exports import Tracker, export_text, plan_of
from export_svc.service_layer.streaming import Tuning
from segshared.keys import Keys
from segshared.redis_client import make_redis


async def run(args: argparse.Namespace) -> dict[str, float]:
    redis = make_redis(args.redis_url, decode_responses=True)
    members = RedisMembers(redis=redis, keys=Keys(), partitions=args.partitions, ttl_s=3600)
    spec = ExportSpec("segment", args.segment, None, tuple(args.columns.split(",")), args.sort,
                      args.order == "desc", False, False)  # fmt: skip
    tracker = Tracker(sorted=args.sort is not None)
    started = time.monotonic()
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        tuning = Tuning(sort_run_rows=args.run_rows)
        async for text in export_text(spec, plan_of(spec), members=members, tuning=tuning,
                                      tracker=tracker):  # fmt: skip
            out.write(text)
    seconds = time.monotonic() - started
    await redis.aclose()
    return {"seconds": seconds, "rows": tracker.rows_written, "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak RSS since exec (VmHWM). ``ru_maxrss`` would also count the parent's
    pages copied by fork before exec, i.e. the benchmark's 1M generated players."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.export_run")
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--segment", type=int, required=True)
    parser.add_argument("--columns", required=True)
    parser.add_argument("--sort")
    parser.add_argument("--order", default="asc")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--out", required=True)
    parser.add_argument("--run-rows", type=int, default=Tuning().sort_run_rows)
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
