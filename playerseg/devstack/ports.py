"""Ports of the embedded default (docs/BRIEF.md) and free ports for tests."""

from __future__ import annotations

import socket
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Ports:
    """Where each part of the stack listens, on 127.0.0.1."""

    broker: int = 19092
    redis: int = 6390
    card_api: int = 8101
    segment_api: int = 8102
    action_api: int = 8103
    export_api: int = 8104
    console: int = 8100
    # Each worker's /metrics and /health/* (the APIs serve theirs on their own port).
    card_worker: int = 8111
    segment_worker: int = 8112
    action_worker: int = 8113
    export_worker: int = 8114


DEFAULT_PORTS = Ports()


def offset_ports(offset: int, base: Ports = DEFAULT_PORTS) -> Ports:
    """``base`` with ``offset`` added to every port."""
    return Ports(*(getattr(base, f.name) + offset for f in fields(Ports)))


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports() -> Ports:
    """A :class:`Ports` of free ports, for a stack that must not clash with ``./dev up``."""
    # Hold every socket until all are bound, so that the ports differ.
    socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in fields(Ports)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return Ports(*(int(s.getsockname()[1]) for s in socks))
    finally:
        for sock in socks:
            sock.close()


def port_open(port: int, host: str = "127.0.0.1", timeout_s: float = 0.5) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False
