"""Killing and restarting one supervised child (crash tests of the e2e suite use it)."""

from __future__ import annotations

import io
import signal
import sys
import time

import pytest

from playerseg.devstack.supervisor import ChildDied, Supervisor

PY = sys.executable
# Prints its pid and an environment variable, so a restart shows the same env reached it.
ECHO = [PY, "-c", "import os, time; print('up', os.getpid(), os.environ['MARK'], flush=True); "
        "time.sleep(600)"]  # fmt: skip


def _wait_for(predicate: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_kill_sends_sigkill_and_check_then_reports_the_crash() -> None:
    out = io.StringIO()
    sup = Supervisor(output=out, color=False)
    try:
        child = sup.start("victim", ECHO, env={"MARK": "m1"})
        _wait_for(lambda: "up" in out.getvalue())

        assert sup.kill("victim") == -signal.SIGKILL
        assert not child.alive
        with pytest.raises(ChildDied, match="victim"):
            sup.check()
        assert sup.kill("victim") is None  # already gone: nothing to do
    finally:
        sup.stop()


def test_restart_starts_the_same_command_again_in_the_same_child() -> None:
    out = io.StringIO()
    sup = Supervisor(output=out, color=False)
    try:
        other = sup.start("bystander", ECHO, env={"MARK": "b"})
        child = sup.start("victim", ECHO, env={"MARK": "m2"}, cwd="/")
        _wait_for(lambda: out.getvalue().count("up") == 2)
        first_pid, bystander_pid = child.proc.pid, other.proc.pid

        again = sup.restart("victim")  # alive: killed with SIGKILL first

        assert again is child and sup.children.count(child) == 1
        assert child.alive and child.proc.pid != first_pid
        _wait_for(lambda: f"up {child.proc.pid} m2" in out.getvalue())
        assert other.alive and other.proc.pid == bystander_pid
        sup.check()  # nothing dead any more
        assert "victim killed with SIGKILL" in out.getvalue()

        sup.kill("victim")
        sup.restart("victim")  # a dead child is simply started again
        _wait_for(lambda: out.getvalue().count(" m2\n") == 3)
    finally:
        sup.stop()
    assert not child.alive and not other.alive


def test_unknown_child_is_a_key_error() -> None:
    sup = Supervisor(output=io.StringIO(), color=False)
    with pytest.raises(KeyError, match="nobody"):
        sup.restart("nobody")
