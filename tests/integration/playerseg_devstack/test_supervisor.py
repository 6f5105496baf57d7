"""The process manager with real child processes."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from playerseg.devstack.ports import free_port
from playerseg.devstack.supervisor import ChildDied, Supervisor

PY = sys.executable
SLEEPER = [PY, "-c", "import time; print('ready', flush=True); time.sleep(600)"]
STUBBORN = [
    PY,
    "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(600)",
]


def wait_for(predicate: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_output_is_prefixed_and_stop_ends_every_child() -> None:
    out = io.StringIO()
    sup = Supervisor(output=out, color=False)
    a = sup.start("alpha", SLEEPER)
    b = sup.start("beta", SLEEPER, tier=0)
    wait_for(lambda: out.getvalue().count("ready") == 2)

    sup.stop()

    assert a.proc.poll() is not None and b.proc.poll() is not None
    lines = out.getvalue().splitlines()
    assert any(line.startswith("alpha") and line.endswith("| ready") for line in lines)
    assert any(line.startswith("beta") for line in lines)


def test_child_ignoring_sigterm_is_killed_after_the_timeout() -> None:
    out = io.StringIO()
    sup = Supervisor(output=out, color=False, stop_timeout_s=0.5)
    child = sup.start("stubborn", STUBBORN)
    wait_for(lambda: "ready" in out.getvalue())

    started = time.monotonic()
    sup.stop()

    assert child.proc.returncode == -9
    assert time.monotonic() - started < 5
    assert "ignored SIGTERM; killing it" in out.getvalue()


def test_a_dying_child_stops_the_others_and_wait_returns_non_zero() -> None:
    out = io.StringIO()
    sup = Supervisor(output=out, color=False)
    survivor = sup.start("survivor", SLEEPER)
    sup.start("crasher", [PY, "-c", "import sys, time; time.sleep(0.3); sys.exit(3)"])

    assert sup.wait(poll_s=0.05) == 1

    assert survivor.proc.poll() is not None
    assert "crasher exited with 3" in out.getvalue()
    with pytest.raises(ChildDied, match=r"crasher \(exit 3\)"):
        sup.check()


RUNNER = """
import sys
from playerseg.devstack.supervisor import Supervisor
sup = Supervisor(color=False)
children = [sup.start(n, sys.argv[1:]) for n in ("one", "two")]
print("pids", *[c.proc.pid for c in children], flush=True)
try:
    sys.exit(sup.wait(poll_s=0.05))
except KeyboardInterrupt:
    sys.exit(0)
"""


def test_ctrl_c_stops_every_child_before_exiting() -> None:
    runner = subprocess.Popen([PY, "-c", RUNNER, *SLEEPER], stdout=subprocess.PIPE, text=True)
    assert runner.stdout is not None
    pids = [int(p) for p in runner.stdout.readline().split()[1:]]
    assert len(pids) == 2
    wait_for(lambda: runner.stdout is not None and "ready" in runner.stdout.readline())

    runner.send_signal(signal.SIGINT)

    assert runner.wait(20) == 0
    # The children were stopped before the runner exited; an orphaned zombie can still be
    # listed for a moment until init reaps it, so allow for that.
    wait_for(lambda: not any(_alive(pid) for pid in pids), timeout_s=5)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_wait_healthy_polls_the_health_url(tmp_path: Path) -> None:
    (tmp_path / "health").write_text("ok")
    port = free_port()
    sup = Supervisor(output=io.StringIO(), color=False)
    try:
        sup.start(
            "web",
            [PY, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
            cwd=str(tmp_path),
            health_url=f"http://127.0.0.1:{port}/health",
        )
        sup.wait_healthy(timeout_s=20)
    finally:
        sup.stop()


def test_wait_healthy_fails_fast_when_a_child_dies() -> None:
    sup = Supervisor(output=io.StringIO(), color=False)
    try:
        sup.start("broken", [PY, "-c", "raise SystemExit(2)"], health_url="http://127.0.0.1:1/")
        with pytest.raises(ChildDied, match="broken"):
            sup.wait_healthy(timeout_s=20)
    finally:
        sup.stop()


def test_run_once_returns_the_exit_code_with_prefixed_output() -> None:
    out = io.StringIO()
    sup = Supervisor(output=out, color=False)
    code = sup.run_once("migrate", [PY, "-c", "print('upgraded'); raise SystemExit(4)"])
    assert code == 4
    assert "migrate" in out.getvalue() and "| upgraded" in out.getvalue()
