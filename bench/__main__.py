"""``python -m bench [all|e2e|segment|action|export] [options]``: run benchmarks, print a table."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.action_send import action_rows
from bench.e2e import TARGET_EVENTS_PER_S, run_e2e
from bench.export import export_rows
from bench.machine import machine
from bench.report import Row, table
from bench.segment_worker import TARGET_CHANGES_PER_S, run_segment_bench


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Throughput of the platform on this machine; see bench/RESULTS.md.",
    )
    parser.add_argument(
        "part",
        nargs="?",
        choices=("all", "e2e", "segment", "action", "export"),
        default="all",
        help="e2e: the bets file through the whole stack; segment: one segment-svc worker; "
        "action: one action-svc worker's Single Send to a large segment; "
        "export: CSV exports of a 1M-member segment (not part of all)",
    )
    parser.add_argument("--partitions", type=int, default=8, help="of every topic (default 8)")
    parser.add_argument("--changes", type=int, default=200_000, help="segment bench: N changes")
    parser.add_argument("--players", type=int, default=50_000, help="segment bench: players")
    parser.add_argument("--cards", type=int, default=20, help="segment bench: cards")
    parser.add_argument("--segments", type=int, default=100, help="segment bench: segments")
    parser.add_argument("--seed", type=int, default=7, help="segment bench: random seed")
    parser.add_argument("--members", type=int, default=100_000, help="action bench: segment size")
    parser.add_argument(
        "--members-small", type=int, default=25_000, help="action bench: the size to compare memory"
    )
    parser.add_argument("--send-chunk", type=int, help="action bench: ACTION_SVC_SEND_CHUNK")
    parser.add_argument(
        "--export-members", type=int, default=1_000_000, help="export bench: segment size"
    )
    parser.add_argument("--work-dir", type=Path, help="data and logs (default: a temp dir)")
    parser.add_argument("--profile", type=Path, help="write py-spy profiles of the workers here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="playerseg-bench-"))
    print(f"machine: {machine().describe()}", flush=True)
    print(f"work dir (data, service logs): {work_dir}", flush=True)
    rows: list[Row] = []
    if args.part in ("all", "e2e"):
        print("running end to end (whole bets file through the stack)...", flush=True)
        e2e = run_e2e(
            work_dir=work_dir,
            partitions=args.partitions,
            profile_dir=args.profile / "e2e" if args.profile else None,
        )
        check = "counts = oracle" if e2e.verified else "WRONG: " + "; ".join(e2e.mismatches)
        rows.append(Row("replay only (publish)", e2e.replay_rate, "events/s", None, ""))
        rows.append(
            Row(
                "end to end (replay start -> last membership record)",
                e2e.end_to_end_rate,
                "events/s",
                TARGET_EVENTS_PER_S,
                f"{e2e.events:,} events in {e2e.pipeline_s:.1f}s; idle seen at "
                f"{e2e.idle_s:.1f}s; {e2e.card_records:,} card + {e2e.segment_records:,} "
                f"segment records; {check}\n    CPU seconds meanwhile: {e2e.cpu}",
                verified=e2e.verified,
            )
        )
    if args.part in ("all", "segment"):
        print(
            f"running the segment worker bench ({args.changes:,} changes, {args.cards} cards, "
            f"{args.segments} segments)...",
            flush=True,
        )
        seg = run_segment_bench(
            work_dir=work_dir,
            partitions=args.partitions,
            changes=args.changes,
            players=args.players,
            cards=args.cards,
            segments=args.segments,
            seed=args.seed,
            profile_dir=args.profile / "segment" if args.profile else None,
        )
        check = (
            "sets = plain evaluation" if seg.verified else "WRONG: " + "; ".join(seg.mismatches[:5])
        )
        rows.append(
            Row(
                "segment worker: card changes applied (1 worker)",
                seg.rate,
                "changes/s",
                TARGET_CHANGES_PER_S,
                f"{seg.changes:,} changes of {seg.players:,} players in {seg.applied_s:.1f}s; "
                f"published at {seg.changes / seg.publish_s:,.0f}/s beforehand; "
                f"{seg.segment_records:,} segment records; {check}\n"
                f"    CPU seconds meanwhile: {seg.cpu}",
                verified=seg.verified,
            )
        )
    if args.part in ("all", "action"):
        rows += action_rows(
            work_dir=work_dir,
            partitions=args.partitions,
            sizes=(args.members_small, args.members),
            send_chunk=args.send_chunk,
            profile_dir=args.profile,
        )
    if args.part == "export":
        rows += export_rows(
            work_dir=work_dir, members=args.export_members, partitions=args.partitions
        )
    print()
    print(table(rows))
    # A wrong answer fails louder than a missed target: a fast wrong benchmark is worthless.
    if not all(r.verified for r in rows):
        return 2
    return 0 if all(r.met for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
