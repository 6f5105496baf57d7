"""Thread-safe terminal output: each child's lines under its name, in its own colour."""

from __future__ import annotations

import os
import sys
import threading
from typing import IO, TextIO

_COLORS = ("36", "33", "32", "35", "34", "91", "92", "93", "94", "95", "96")


class Console:
    """Writes whole lines to ``output`` (default: the current ``sys.stdout``), never interleaved."""

    def __init__(self, output: TextIO | None = None, *, color: bool | None = None) -> None:
        self._output = output
        if color is None:
            color = self.out.isatty() and "NO_COLOR" not in os.environ
        self.color = color or bool(os.environ.get("FORCE_COLOR"))
        self._lock = threading.Lock()

    @property
    def out(self) -> TextIO:
        # Looked up on each write, so that pytest's capture of sys.stdout is honoured.
        return self._output or sys.stdout

    def prefix(self, name: str, index: int) -> str:
        """``name`` padded to a column, coloured by ``index`` when colour is on."""
        label = f"{name:<16}|"
        if not self.color:
            return label
        return f"\x1b[{_COLORS[index % len(_COLORS)]}m{label}\x1b[0m"

    def line(self, prefix: str, text: str) -> None:
        """One line under ``prefix``."""
        with self._lock:
            self.out.write(f"{prefix} {text.rstrip()}\n")
            self.out.flush()

    def block(self, text: str) -> None:
        """``text`` as is, without children's lines in the middle of it."""
        with self._lock:
            self.out.write(text.rstrip("\n") + "\n")
            self.out.flush()

    def pump(self, prefix: str, stream: IO[bytes], *, name: str) -> threading.Thread:
        """Copy ``stream`` line by line under ``prefix`` from a daemon thread, until EOF."""

        def copy() -> None:
            for raw in iter(stream.readline, b""):
                self.line(prefix, raw.decode("utf-8", errors="replace"))
            stream.close()

        thread = threading.Thread(target=copy, name=f"out-{name}", daemon=True)
        thread.start()
        return thread
