"""Stacks for the benchmarks: fresh data directory, free ports, SQLite, output to a log file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from playerseg.devstack import Stack, StackConfig, free_ports


def bench_config(data_dir: Path, *, partitions: int, services: Sequence[str] | None) -> StackConfig:
    """A config that clashes with nothing: free ports, its own data dir (SQLite databases)."""
    if data_dir.exists():
        shutil.rmtree(data_dir)
    return StackConfig(
        ports=free_ports(),
        data_dir=data_dir,
        partitions=partitions,
        services=services,
    )


@contextmanager
def log_file(path: Path) -> Iterator[TextIO]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        yield handle


def start_infra_only(stack: Stack) -> None:
    """Broker, Redis, topics and migrations, with no service process yet."""
    try:
        stack.start_infra()
        stack.create_topics()
        stack.migrate()
    except BaseException:
        stack.stop()
        raise


def start_apis(stack: Stack, services: Sequence[str]) -> None:
    """Start the HTTP API of each service under the stack's supervisor; wait for /health."""
    for service in services:
        module = f"{service.replace('-', '_')}.entrypoints.api"
        health = f"{stack.api_url(service)}/health"
        argv = [sys.executable, "-m", module]
        name = f"{service.split('-')[0]}-api"
        stack.supervisor.start(name, argv, env=stack.service_env(), health_url=health)
    stack.supervisor.wait_healthy(timeout_s=120)


class ServiceProcess:
    """One service entrypoint run by the benchmark itself, so that it can stop and restart it."""

    def __init__(self, module: str, *, env: dict[str, str], log: TextIO) -> None:
        self.module = module
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started_at = time.time()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def check(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"{self.module} exited with {self.proc.returncode}")

    def stop(self, timeout_s: float = 15.0) -> None:
        """SIGTERM, then SIGKILL; only this process (its pid) is signalled."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
