"""``playerseg`` command line: ``up`` (the embedded default), ``replay`` (a bets file),
``topics`` (create the platform's topics on a broker), ``seed`` (the default catalog) and
``contracts`` (write the AsyncAPI, JSON Schema and OpenAPI documents under docs/) and ``keys``
(API keys)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import httpx

from playerseg import keys, up
from playerseg.contracts.files import DOCS
from playerseg.demo.catalog import VIP_LIST_PATH
from playerseg.demo.seed import SeedError, seed
from playerseg.devstack.config import DEFAULT_BETS, DEFAULT_PARTITIONS
from playerseg.devstack.topics import align_configs, ensure_topics
from playerseg.replay import MissingColumnsError, ReplayError, ReplayStats, replay_file
from segshared.auth.domain import bearer_headers

_SHOWN_BAD_ROWS = 20


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def _default_partitions() -> int:
    return int(os.environ.get("PLAYERSEG_PARTITIONS", DEFAULT_PARTITIONS))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playerseg", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    up_cmd = commands.add_parser("up", help="start the embedded default stack (Ctrl-C stops it)")
    up_cmd.add_argument("--no-replay", action="store_true", help="do not replay the bets file")
    up_cmd.add_argument("--rate", type=_positive_float, help="replay at most this many events/s")
    up_cmd.add_argument("--fresh", action="store_true", help="wipe the data dir (.run/) first")
    up_cmd.add_argument("--file", default=str(DEFAULT_BETS), help="bets file to replay")
    up_cmd.add_argument("--partitions", type=_positive_int, default=_default_partitions())
    up_cmd.add_argument("--data-dir", help="where SQLite files and logs go (default: .run/)")
    up_cmd.add_argument(
        "--port-offset",
        type=int,
        default=0,
        help="add this to every default port, to run beside another stack",
    )

    contracts = commands.add_parser(
        "contracts", help="write docs/contracts (AsyncAPI, JSON Schemas) and docs/openapi"
    )
    contracts.add_argument("--check", action="store_true", help="only report stale files")
    contracts.add_argument("--docs", type=Path, default=DOCS, help=f"default: {DOCS}")

    topics = commands.add_parser(
        "topics", help="create every topic of the platform, align retention and compaction"
    )
    _broker_options(topics)
    topics.add_argument(
        "--replication-factor",
        type=_positive_int,
        default=1,
        help="copies of every partition (3 on a production cluster of 3 or more brokers)",
    )

    seed_cmd = commands.add_parser("seed", help="create the default cards and segments")
    seed_cmd.add_argument("--card-api", default="http://127.0.0.1:8101", help="card-svc URL")
    seed_cmd.add_argument("--segment-api", default="http://127.0.0.1:8102", help="segment-svc URL")
    seed_cmd.add_argument(
        "--vip-list", type=Path, default=VIP_LIST_PATH, help="CSV of the uploaded VIP card"
    )
    seed_cmd.add_argument(
        "--api-key",
        default=os.environ.get("PLAYERSEG_API_KEY", ""),
        help="a key with read and write (default: $PLAYERSEG_API_KEY)",
    )

    keys.add_parser(commands)

    replay = commands.add_parser("replay", help="publish a bets CSV (or CSV.gz) to player.events")
    replay.add_argument("file", type=Path)
    replay.add_argument("--rate", type=_positive_float, help="events per second (default: max)")
    replay.add_argument("--limit", type=_positive_int, help="replay only the first ROWS bets")
    _broker_options(replay)
    replay.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _broker_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bootstrap",
        default=os.environ.get("PLAYERSEG_KAFKA_BOOTSTRAP", "127.0.0.1:19092"),
        help="Kafka bootstrap servers (default: $PLAYERSEG_KAFKA_BOOTSTRAP or the embedded one)",
    )
    parser.add_argument(
        "--partitions",
        type=_positive_int,
        default=_default_partitions(),
        help="partitions of every player-keyed topic (default: $PLAYERSEG_PARTITIONS or 8)",
    )


def run_topics(args: argparse.Namespace) -> int:
    """The ``topics`` command: create what is missing, check what exists."""
    created = ensure_topics(
        args.bootstrap, partitions=args.partitions, replication_factor=args.replication_factor
    )
    print(f"created {len(created)} topics: {', '.join(created) or 'none needed'}")
    aligned = align_configs(args.bootstrap)
    if aligned:
        print(f"aligned the configs of {len(aligned)} topics: {', '.join(aligned)}")
    return 0


def run_seed(args: argparse.Namespace) -> int:
    """The ``seed`` command: the default catalog, created where missing."""
    try:
        seed(args.card_api, args.segment_api, vip_path=args.vip_list,
             headers=bearer_headers(args.api_key))  # fmt: skip
    except httpx.RequestError as exc:
        print(f"error: cannot reach {exc.request.url}: {exc}", file=sys.stderr)
        return 1
    except (SeedError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("default catalog seeded")
    return 0


def run_contracts(args: argparse.Namespace) -> int:
    """The ``contracts`` command: regenerate the published documents (or check them)."""
    from playerseg.contracts import rendered, stale, write

    files = rendered()
    if args.check:
        differ = stale(files, args.docs)
        for path in differ:
            print(f"stale: docs/{path}", file=sys.stderr)
        if differ:
            print("run `playerseg contracts` and commit the result", file=sys.stderr)
        return 1 if differ else 0
    touched = write(files, args.docs)
    print(f"{len(files)} contract files under {args.docs}, {len(touched)} changed")
    return 0


def print_summary(stats: ReplayStats) -> None:
    """Bad rows on stderr, then the totals on stdout."""
    for error in stats.bad_rows[:_SHOWN_BAD_ROWS]:
        print(f"skipped line {error.line}: {error.reason}", file=sys.stderr)
    if stats.skipped > _SHOWN_BAD_ROWS:
        print(f"... and {stats.skipped - _SHOWN_BAD_ROWS} more bad rows", file=sys.stderr)
    print(
        f"{stats.events:,} events ({stats.rows:,} rows, {stats.skipped:,} skipped) "
        f"in {stats.seconds:.2f} s: {stats.events_per_s:,.0f} events/s"
    )


def run_replay(args: argparse.Namespace) -> int:
    """The ``replay`` command; returns the exit code."""
    if not args.file.is_file():
        print(f"error: {args.file} is not a file", file=sys.stderr)
        return 2
    try:
        stats = replay_file(
            args.file,
            bootstrap=args.bootstrap,
            partitions=args.partitions,
            rate=args.rate,
            limit=args.limit,
            progress=not args.no_progress and sys.stderr.isatty(),
        )
    except MissingColumnsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ReplayError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print_summary(stats)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``playerseg`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "replay":
        return run_replay(args)
    if args.command == "topics":
        return run_topics(args)
    if args.command == "seed":
        return run_seed(args)
    if args.command == "contracts":
        return run_contracts(args)
    if args.command == "keys":
        return keys.run(args)
    return up.run(args)
