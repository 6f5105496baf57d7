"""When a Faust worker began fetching, read from its log (Faust's own timestamped lines)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

# [2026-12-03 16:34:48,455] [20260] [INFO] [^---Recovery]: Worker ready
_READY = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\] \[\d+\] \[INFO\] .*Worker ready")


def fetching_since(log_path: Path) -> float:
    """Epoch seconds of the first "Worker ready" line: partitions assigned, fetching resumed."""
    for line in log_path.read_text(errors="replace").splitlines():
        match = _READY.match(line)
        if match:
            # Faust logs local time, as this process reads it.
            return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
    raise RuntimeError(f"no 'Worker ready' line in {log_path}: did the worker join its group?")
