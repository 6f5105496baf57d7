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


def machine_busy_seconds() -> float | None:
    """CPU time every core spent busy since boot (all processes), from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return None
    # user nice system idle iowait irq softirq steal ...: all but idle and iowait are busy.
    values = [int(v) for v in fields[:8]]
    return (sum(values) - values[3] - values[4]) / _TICKS


class CpuMeter:
    """``with CpuMeter({"name": pid}) as meter:``; then ``meter.used`` maps names to seconds.

    ``other`` is what the rest of the machine used meanwhile: on a shared machine it tells
    whether a slow figure was the code's doing.
    """

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = {**pids, "bench": os.getpid()}
        self.start: dict[str, float | None] = {}
        self.used: dict[str, float] = {}
        self.other: float | None = None
        self._busy: float | None = None

    def __enter__(self) -> CpuMeter:
        self.start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self._busy = machine_busy_seconds()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for name, pid in self.pids.items():
            before, after = self.start.get(name), cpu_seconds(pid)
            if before is not None and after is not None:
                self.used[name] = after - before
        busy = machine_busy_seconds()
        if busy is not None and self._busy is not None:
            self.other = max(0.0, busy - self._busy - sum(self.used.values()))

    def describe(self) -> str:
        ranked = sorted(self.used.items(), key=lambda kv: -kv[1])
        text = ", ".join(f"{name} {secs:.1f}" for name, secs in ranked if secs >= 0.05)
        if self.other is not None:
            text += f"; every other process on the machine {self.other:.1f}"
        return text
