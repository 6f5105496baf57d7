"""A small process manager: named children, prefixed output, health waits, orderly stop."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

import httpx

from playerseg.devstack.console import Console


class ChildDied(RuntimeError):
    """A supervised process exited while the stack was meant to be running."""


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    tier: int
    health_url: str | None = None
    reader: threading.Thread | None = field(default=None, repr=False)
    # How it was started, so that :meth:`Supervisor.restart` can start it again.
    argv: tuple[str, ...] = ()
    env: Mapping[str, str] | None = field(default=None, repr=False)
    cwd: str | None = None

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None


class Supervisor:
    """Starts named children; stops them all (highest tier first) on :meth:`stop`.

    Children run in their own session so that a Ctrl-C in the terminal reaches only the
    supervisor, which then stops services before the broker and Redis they depend on.
    """

    def __init__(
        self,
        *,
        output: TextIO | None = None,
        color: bool | None = None,
        stop_timeout_s: float = 10.0,
    ) -> None:
        self.console = Console(output, color=color)
        self.stop_timeout_s = stop_timeout_s
        self.children: list[Child] = []

    def log(self, name: str, message: str) -> None:
        """Write ``message`` under ``name``, like a child's line."""
        self.console.line(self.console.prefix(name, 0), message)

    def print_block(self, text: str) -> None:
        """Write ``text`` as is, without interleaving children's lines into it."""
        self.console.block(text)

    def _spawn(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None,
        cwd: str | None,
        color_index: int | None = None,
    ) -> tuple[subprocess.Popen[bytes], threading.Thread]:
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        proc = subprocess.Popen(
            list(argv),
            env=full_env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert proc.stdout is not None
        index = len(self.children) if color_index is None else color_index
        prefix = self.console.prefix(name, index)
        return proc, self.console.pump(prefix, proc.stdout, name=name)

    # lifecycle --------------------------------------------------------------------------
    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        health_url: str | None = None,
        tier: int = 1,
    ) -> Child:
        """Start a long-running child; ``health_url`` is polled by :meth:`wait_healthy`."""
        proc, reader = self._spawn(name, argv, env, cwd)
        child = Child(name=name, proc=proc, tier=tier, health_url=health_url, reader=reader,
                      argv=tuple(argv), env=env, cwd=cwd)  # fmt: skip
        self.children.append(child)
        return child

    def child(self, name: str) -> Child:
        """The long-running child called ``name`` (``KeyError`` if there is none)."""
        for child in self.children:
            if child.name == name:
                return child
        raise KeyError(f"no child named {name!r}; one of {[c.name for c in self.children]}")

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> int | None:
        """Send ``sig`` (SIGKILL: a crash) to child ``name``'s process group and wait for it.

        Returns its exit code (``-9`` after SIGKILL), or None if it was already gone. Until
        :meth:`restart`, :meth:`check` reports it as dead, as it would any crash.
        """
        child = self.child(name)
        if not child.alive:
            return None
        _kill_group(child.proc, sig)
        code = child.proc.wait()
        if child.reader is not None:
            child.reader.join(2)
        self.log("supervisor", f"{name} killed with {sig.name} (exit {code})")
        return code

    def restart(self, name: str, *, sig: signal.Signals = signal.SIGKILL) -> Child:
        """Start child ``name`` again with the same command, environment and directory.

        A live child is first sent ``sig`` (default SIGKILL: no chance to clean up, like a
        crash). The :class:`Child` is updated in place, so references to it stay valid.
        """
        child = self.child(name)
        if child.alive:
            self.kill(name, sig)
        if not child.argv:
            raise RuntimeError(f"{name} was not started by start(); cannot restart it")
        index = self.children.index(child)
        child.proc, child.reader = self._spawn(name, child.argv, child.env, child.cwd, index)
        self.log("supervisor", f"{name} restarted (pid {child.proc.pid})")
        return child

    def run_once(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        timeout_s: float | None = None,
    ) -> int:
        """Run a one-shot child (a migration) to completion with prefixed output; its exit code."""
        proc, reader = self._spawn(name, argv, env, cwd)
        try:
            code = proc.wait(timeout_s)
        except BaseException:
            _kill_group(proc, signal.SIGKILL)
            proc.wait()
            raise
        reader.join(5)
        return code

    def dead(self) -> list[Child]:
        """Children that have exited."""
        return [c for c in self.children if not c.alive]

    def check(self) -> None:
        """Raise :class:`ChildDied` if any child has exited."""
        dead = self.dead()
        if dead:
            names = ", ".join(f"{c.name} (exit {c.proc.returncode})" for c in dead)
            raise ChildDied(f"stopped unexpectedly: {names}")

    def wait_healthy(self, *, timeout_s: float = 60.0) -> None:
        """Wait until every child with a health URL answers ``GET`` with 200."""
        pending = [c for c in self.children if c.health_url]
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=1.0) as client:
            while pending:
                self.check()
                if time.monotonic() > deadline:
                    names = ", ".join(f"{c.name} ({c.health_url})" for c in pending)
                    raise TimeoutError(f"not healthy after {timeout_s:.0f}s: {names}")
                pending = [c for c in pending if not _healthy(client, c.health_url)]
                if pending:
                    time.sleep(0.2)

    def wait(self, *, poll_s: float = 0.2) -> int:
        """Block until a child dies (then stop all and return 1); Ctrl-C propagates."""
        try:
            while not self.dead():
                time.sleep(poll_s)
            for child in self.dead():
                self.log("supervisor", f"{child.name} exited with {child.proc.returncode}")
            return 1
        finally:
            self.stop()

    def stop(self) -> None:
        """SIGTERM each tier (highest first), SIGKILL what outlives ``stop_timeout_s``."""
        for tier in sorted({c.tier for c in self.children}, reverse=True):
            group = [c for c in self.children if c.tier == tier and c.alive]
            for child in group:
                _kill_group(child.proc, signal.SIGTERM)
            deadline = time.monotonic() + self.stop_timeout_s
            for child in group:
                try:
                    child.proc.wait(max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self.log("supervisor", f"{child.name} ignored SIGTERM; killing it")
                    _kill_group(child.proc, signal.SIGKILL)
                    child.proc.wait()
        for child in self.children:
            if child.reader is not None:
                child.reader.join(2)

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _kill_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal the child's whole process group: uvicorn or faust may have spawned helpers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _healthy(client: httpx.Client, url: str | None) -> bool:
    if url is None:
        return True
    try:
        return client.get(url).status_code == 200
    except httpx.HTTPError:
        return False
