"""``playerseg up``: the embedded default, seeded and replayed, running until Ctrl-C."""

from __future__ import annotations

import argparse
import importlib
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import httpx

from playerseg.devstack import ChildDied, IdleTimeout, Stack, StackConfig
from playerseg.devstack.access import ADMIN_FILE
from playerseg.devstack.config import DEFAULT_DATA_DIR, service_spec
from playerseg.devstack.ports import offset_ports
from playerseg.devstack.report import counts_table, docs_lines, fetch_items
from playerseg.replay import ReplayError, replay_file

T = TypeVar("T")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # SIGTERM and SIGINT take the same path as Ctrl-C: unwind and stop every child in order.
    raise KeyboardInterrupt


def seed(stack: Stack) -> None:
    """Create the default catalog through the APIs when playerseg.demo exists."""
    if not {"card-api", "segment-api"} <= set(stack.processes):
        stack.supervisor.log("up", "card-svc or segment-svc API not running: not seeding")
        return
    try:
        demo = importlib.import_module("playerseg.demo")
    except ImportError as exc:
        stack.supervisor.log(
            "up", f"warning: playerseg.demo is not importable ({exc}): not seeding"
        )
        return
    card_url, segment_url = stack.api_url("card-svc"), stack.api_url("segment-svc")
    watched(stack, lambda: demo.seed(card_url, segment_url, headers=stack.api_headers))
    stack.supervisor.log("up", "default catalog seeded")


def watched(stack: Stack, fn: Callable[[], T]) -> T:
    """Run ``fn`` in a thread, failing fast with ChildDied if a service dies meanwhile."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(fn())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target, name="up-seed", daemon=True)
    thread.start()
    while thread.is_alive():
        stack.supervisor.check()
        thread.join(0.2)
    if failure:
        raise failure[0]
    return outcome[0]


def replay(stack: Stack, path: Path, rate: float | None) -> None:
    """Publish the bets file, then wait until the services have digested it."""
    log = stack.supervisor.log
    log("up", f"replaying {path}")
    stats = replay_file(
        path,
        bootstrap=stack.bootstrap,
        partitions=stack.config.partitions,
        rate=rate,
        progress=sys.stderr.isatty(),
    )
    log(
        "up",
        f"published {stats.events:,} events ({stats.skipped} rows skipped) in "
        f"{stats.seconds:.1f}s, {stats.events_per_s:,.0f} events/s; waiting until idle",
    )
    snap = stack.wait_idle(
        timeout_s=1800, report=lambda busy: log("up", f"still busy: {busy.describe()}")
    )
    log("up", f"pipeline idle ({snap.describe()})")


def summary(stack: Stack) -> None:
    """Print the counts of every card and segment and where the API docs are."""
    cards: list[dict[str, Any]] = []
    segments: list[dict[str, Any]] = []
    try:
        if "card-api" in stack.processes:
            cards = fetch_items(stack.api_url("card-svc"), "/cards", stack.api_headers)
        if "segment-api" in stack.processes:
            segments = fetch_items(stack.api_url("segment-svc"), "/segments", stack.api_headers)
    except httpx.HTTPError as exc:
        stack.supervisor.log("up", f"warning: cannot list cards and segments: {exc}")
    apis = {
        service: stack.api_url(service)
        for service in stack.services
        if f"{service_spec(service).short}-api" in stack.processes
    }
    text = [counts_table(cards, segments), ""]
    if "console" in stack.processes:
        text += [f"Console: {stack.console_url}  (sign in with the admin key below)", ""]
    text += [f"Admin API key: {stack.admin_key}",
             f"  (also in {stack.config.data_dir / ADMIN_FILE}; send as Authorization: Bearer)",
             ""]  # fmt: skip
    text += ["API docs:", docs_lines(apis) if apis else "  (no API running)", ""]
    text += [f"broker {stack.bootstrap}, Redis {stack.redis_url}. Ctrl-C stops everything."]
    stack.supervisor.print_block("\n".join(text))


def run(args: argparse.Namespace) -> int:
    """The ``up`` command; returns the exit code."""
    data_dir = Path(args.data_dir) if args.data_dir else DEFAULT_DATA_DIR
    if args.fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    config = StackConfig(
        data_dir=data_dir, partitions=args.partitions, ports=offset_ports(args.port_offset)
    )
    stack = Stack(config)
    # SIGINT too: a shell starts a background job (``./dev up &``) with SIGINT ignored, and
    # ``kill -INT`` should still stop it.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _interrupt)
    try:
        stack.start()
        seed(stack)
        if not args.no_replay:
            replay(stack, Path(args.file), args.rate)
        summary(stack)
        return stack.supervisor.wait()
    except KeyboardInterrupt:
        stack.supervisor.log("up", "stopping")
        return 0
    except (
        ChildDied,
        IdleTimeout,
        ReplayError,
        RuntimeError,
        TimeoutError,
        httpx.HTTPError,
        OSError,  # e.g. no such bets file
        ValueError,  # e.g. a bets file without the needed columns
    ) as exc:
        stack.supervisor.log("up", f"error: {exc}")
        return 1
    finally:
        stack.stop()
