"""CPU seconds each process used during a measurement (from /proc; all threads counted)."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of ``pid`` so far, or None when it cannot be read."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the fields after its ")" are fixed.
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


class CpuMeter:
    """``with CpuMeter({"name": pid}) as meter:``; then ``meter.used`` maps names to seconds."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.start: dict[str, float | None] = {}
        self.used: dict[str, float] = {}

    def __enter__(self) -> CpuMeter:
        self.start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for name, pid in self.pids.items():
            before, after = self.start.get(name), cpu_seconds(pid)
            if before is not None and after is not None:
                self.used[name] = after - before

    def describe(self) -> str:
        ranked = sorted(self.used.items(), key=lambda kv: -kv[1])
        return ", ".join(f"{name} {secs:.1f}" for name, secs in ranked if secs >= 0.05)
