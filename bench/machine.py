"""What the figures were measured on: cores, CPU model, memory, load, date."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu: str
    memory_gib: float
    load: tuple[float, float, float]
    python: str
    date: str

    def describe(self) -> str:
        load = ", ".join(f"{x:.2f}" for x in self.load)
        return (
            f"{self.date} | {self.cores} cores ({self.cpu}) | {self.memory_gib:.1f} GiB | "
            f"load average {load} | Python {self.python}"
        )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def machine() -> Machine:
    """The current machine; the load average shows whether something else was running."""
    # os.sched_getaffinity counts the cores this process may use, as nproc does.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return Machine(
        cores=cores or 1,
        cpu=_cpu_model(),
        memory_gib=_memory_gib(),
        load=os.getloadavg(),
        python=platform.python_version(),
        date=datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
