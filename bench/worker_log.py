"""When a worker began fetching (partitions assigned), read from its timestamped log lines."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

# The platform's plain log line "2026-12-04 09:53:00,455 INFO segshared.batch_consumer
# partitions assigned [0, ...], fetching: Worker ready" (segshared.logs), or Faust's own
# "[2026-12-03 16:34:48,455] [20260] [INFO] [^---Recovery]: Worker ready".
_READY = re.compile(
    r"^\[?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\]?( \[\d+\])? \[?INFO\]? "
    r".*(Worker ready|partitions assigned)"
)


def fetching_since(log_path: Path) -> float:
    """Epoch seconds of the first line saying the partitions were assigned and fetching began."""
    for line in log_path.read_text(errors="replace").splitlines():
        match = _READY.match(line)
        if match:
            # Faust logs local time, as this process reads it.
            return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
    raise RuntimeError(f"no assignment line in {log_path}: did the worker join its group?")
