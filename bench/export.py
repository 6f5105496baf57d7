"""Export benchmark: a 1,000,000-member segment with 8 columns, unsorted and sorted.

``python -m bench export [--members N]``: starts a private redis-server, loads synthetic
players resampled from the real bets (`bench.export_data`) with their profiles and one
segment's shard sets, then runs each export in a fresh subprocess (`bench.export_run`) so that
its wall time and peak RSS (the child's own ``VmHWM``) are the exporter's alone. Each output
is checked: row count, no player twice, sorted order.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import hiredis

from bench.cpu import CpuMeter
from bench.export_data import COLUMNS, players
from bench.report import Row
from playerseg.devstack.redis_server import start_redis
from segshared.keys import Keys
from segshared.partitioning import partition_for

SEGMENT_ID = 1
TARGETS = {"unsorted": 10.0, "sorted": 20.0}
RSS_TARGET_MB = 200.0
CASES = (("unsorted", None, "asc"), ("sorted by net result, desc", "net_result", "desc"),
         ("sorted by last bet, asc", "last_bet_at", "asc"))  # fmt: skip


@dataclass(frozen=True)
class ExportFigure:
    name: str
    seconds: float
    peak_rss_mb: float
    rows: int
    verified: bool
    note: str

    @property
    def target_s(self) -> float:
        return TARGETS["unsorted" if self.name == "unsorted" else "sorted"]


def _resp(*args: str) -> bytes:
    parts = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def load(url: str, members: int, partitions: int) -> float:
    """Write the players' profiles and the segment's shard sets (raw RESP, pipelined)."""
    import socket

    host, port = url.removeprefix("redis://").split("/")[0].split(":")
    keys = Keys()
    started = time.monotonic()
    with socket.create_connection((host, int(port))) as sock:
        reader = hiredis.Reader()
        batch: list[bytes] = []

        def flush() -> None:
            sock.sendall(b"".join(batch))
            expected, got = len(batch), 0
            while got < expected:
                reader.feed(sock.recv(1 << 20))
                while reader.gets() is not False:
                    got += 1
            batch.clear()

        for profile in players(members):
            pid = profile["player_id"]
            p = partition_for(pid, partitions)
            fields = [x for kv in profile.items() for x in kv]
            batch.append(_resp("HSET", keys.player_profile(p, pid), *fields))
            batch.append(_resp("SADD", keys.segment(p, SEGMENT_ID), pid))
            if len(batch) >= 20_000:
                flush()
        if batch:
            flush()
    return time.monotonic() - started


def _check(path: Path, members: int, sort: str | None, desc: bool) -> tuple[bool, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        ids: set[str] = set()
        last: tuple[float | str, int] | None = None
        at = COLUMNS.index(sort) if sort else 0
        ordered = True
        for row in reader:
            ids.add(row[0])
            if sort:
                value: float | str = float(row[at]) if sort == "net_result" else row[at]
                key = (-value if desc else value, int(row[0]))  # type: ignore[operator]
                ordered = ordered and (last is None or last <= key)
                last = key
    ok = len(header) == len(COLUMNS) and len(ids) == members and ordered
    return ok, f"{len(ids):,} distinct players" + ("" if ordered else ", ORDER WRONG")


def run_case(url: str, name: str, sort: str | None, order: str, members: int, work: Path,
             partitions: int, redis_pid: int) -> ExportFigure:  # fmt: skip
    out = work / f"export-{name.replace(' ', '-').replace(',', '')}.csv"
    argv = [sys.executable, "-m", "bench.export_run", "--redis-url", url, "--segment",
            str(SEGMENT_ID), "--columns", ",".join(COLUMNS), "--order", order, "--out", str(out),
            "--partitions", str(partitions), *(["--sort", sort] if sort else [])]  # fmt: skip
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    with CpuMeter({"exporter": proc.pid, "redis": redis_pid}) as meter:
        output = proc.stdout.read()  # the child has exited, not yet reaped: its /proc stays
    if proc.wait() != 0:
        raise RuntimeError(f"export {name!r} failed with {proc.returncode}")
    result = json.loads(output)
    ok, note = _check(out, members, sort, order == "desc")
    note += f"; CPU seconds: {meter.describe()}"
    out.unlink()
    return ExportFigure(name, result["seconds"], result["peak_rss_mb"], result["rows"], ok, note)


def run_export_bench(*, work_dir: Path, members: int, partitions: int) -> list[ExportFigure]:
    work_dir.mkdir(parents=True, exist_ok=True)
    with start_redis(data_dir=work_dir / "redis") as server:
        print(f"loading {members:,} synthetic players...", flush=True)
        print(f"  loaded in {load(server.url, members, partitions):.1f}s", flush=True)
        figures = []
        for name, sort, order in CASES:
            figure = run_case(server.url, name, sort, order, members, work_dir, partitions,
                              server.proc.pid)  # fmt: skip
            print(f"  {name}: {figure.seconds:.2f}s, peak RSS {figure.peak_rss_mb:.0f} MB, "
                  f"{figure.note}", flush=True)  # fmt: skip
            figures.append(figure)
        return figures


def export_rows(*, work_dir: Path, members: int, partitions: int) -> list[Row]:
    """The export figures as rows of the bench table (rates, so that higher is better)."""
    print(f"running the export bench ({members:,} members, {len(COLUMNS)} columns)...", flush=True)
    figures = run_export_bench(work_dir=work_dir / "export", members=members,
                               partitions=partitions)  # fmt: skip
    rows = [
        Row(f"export {f.name}", f.rows / f.seconds, "rows/s", members / f.target_s,
            f"{f.rows:,} rows in {f.seconds:.2f}s (target <= {f.target_s:.0f}s for {members:,}); "
            f"peak RSS {f.peak_rss_mb:.0f} MB; {f.note}", verified=f.verified)
        for f in figures
    ]  # fmt: skip
    peak = max(f.peak_rss_mb for f in figures)
    rows.append(Row("export peak RSS headroom (200 MB - peak)", RSS_TARGET_MB - peak, "MB", 0.0,
                    f"largest peak RSS of the exporting process: {peak:.0f} MB"))  # fmt: skip
    return rows
