"""Optional sampling profiles of service processes with py-spy (``pip install py-spy``)."""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path
from types import TracebackType


class Profiler:
    """``with Profiler(out_dir, {"name": pid}):`` records each pid until the block ends.

    Writes ``<name>.folded`` (collapsed stacks) and ``<name>.top.txt`` (the functions holding
    the most samples, inclusive and self). A no-op when ``out_dir`` is None.
    """

    def __init__(self, out_dir: Path | None, pids: dict[str, int], *, rate: int = 100) -> None:
        self.out_dir = out_dir
        self.pids = pids
        self.rate = rate
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def __enter__(self) -> Profiler:
        if self.out_dir is None:
            return self
        exe = shutil.which("py-spy")
        if exe is None:
            raise RuntimeError("py-spy is not installed: pip install py-spy")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name, pid in self.pids.items():
            argv = [exe, "record", "--pid", str(pid), "--rate", str(self.rate), "--format", "raw"]
            argv += ["--output", str(self.out_dir / f"{name}.folded"), "--nonblocking"]
            self.procs[name] = subprocess.Popen(
                argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for proc in self.procs.values():
            proc.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        for name, proc in self.procs.items():
            proc.wait(60)
            assert self.out_dir is not None
            folded = self.out_dir / f"{name}.folded"
            if folded.exists():
                (self.out_dir / f"{name}.top.txt").write_text(top_functions(folded))


def top_functions(folded: Path, n: int = 30) -> str:
    """The ``n`` functions with the most samples, inclusive and self, as percentages."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in folded.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "no samples\n"
    lines = [f"{total} samples", "", "inclusive:"]
    lines += [f"{100 * c / total:6.1f}%  {f}" for f, c in inclusive.most_common(n)]
    lines += ["", "self:"]
    lines += [f"{100 * c / total:6.1f}%  {f}" for f, c in own.most_common(n)]
    return "\n".join(lines) + "\n"
