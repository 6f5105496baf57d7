"""``python -m segshared.probe``: can this container reach the broker and Redis?

The container healthcheck of processes without an HTTP port (the workers, one-shot jobs'
preconditions): exit 0 when Redis answers PING and a bootstrap server accepts a connection,
else 1 with the reason on stderr. Reads the ``PLAYERSEG_*`` settings like every process.
"""

from __future__ import annotations

import socket
import sys

import redis

from segshared.settings import PlatformSettings


def broker_reachable(servers: list[str], *, timeout_s: float) -> None:
    """Return when one of ``servers`` (host:port) accepts a TCP connection, else raise."""
    failures = []
    for server in servers:
        host, _, port = server.rpartition(":")
        try:
            socket.create_connection((host, int(port)), timeout=timeout_s).close()
            return
        except OSError as exc:
            failures.append(f"{server}: {exc}")
    raise ConnectionError("no bootstrap server answers: " + "; ".join(failures))


def redis_reachable(url: str, *, timeout_s: float) -> None:
    """Return when Redis at ``url`` answers PING, else raise."""
    client = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
    try:
        client.ping()
    finally:
        client.close()


def main(timeout_s: float = 3.0) -> int:
    settings = PlatformSettings()
    try:
        broker_reachable(settings.bootstrap_servers, timeout_s=timeout_s)
        redis_reachable(settings.redis_url, timeout_s=timeout_s)
    except (OSError, redis.RedisError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
