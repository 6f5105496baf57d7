"""A server run as a child process until stopped: the broker and Redis of tests and benches."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Self


class ServerProcess:
    """Starts ``argv``, waits with ``ready(proc)`` and stops on exit of a ``with`` block."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        ready: Callable[[subprocess.Popen[bytes]], None],
        log_path: Path | None = None,
    ) -> None:
        self._log: IO[bytes] | None = log_path.open("ab") if log_path else None
        self.proc = subprocess.Popen(
            list(argv),
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            ready(self.proc)
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it has not exited within ``timeout_s``."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
