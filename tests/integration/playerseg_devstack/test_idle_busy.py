"""``wait_idle``'s ``busy`` hook: work kept outside topics and outboxes (webhook retries)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from playerseg.devstack.idle import IdleTimeout, Snapshot, wait_idle
from playerseg.devstack.topics import ensure_topics


def test_busy_counts_keep_the_pipeline_busy_until_they_reach_zero(
    fresh_kafka: Callable[[], str], redis_url: str
) -> None:
    bootstrap = fresh_kafka()
    ensure_topics(bootstrap, partitions=1, topics=["quiet"])
    prefix = f"t{uuid.uuid4().hex[:6]}:"
    pending = {"webhook retries": 2, "other work": 0}
    calls: list[int] = []

    def busy() -> dict[str, int]:
        calls.append(1)
        return dict(pending)

    with pytest.raises(IdleTimeout, match="webhook retries: 2"):
        wait_idle(bootstrap=bootstrap, redis_url=redis_url, key_prefix=prefix, busy=busy,
                  timeout_s=1, poll_s=0.1)  # fmt: skip
    assert calls

    pending["webhook retries"] = 0
    snap = wait_idle(bootstrap=bootstrap, redis_url=redis_url, key_prefix=prefix, busy=busy,
                     timeout_s=20, stable_s=0.3, poll_s=0.1)  # fmt: skip
    assert snap.idle and snap.other == pending


def test_snapshot_without_busy_is_unchanged() -> None:
    assert Snapshot().idle and Snapshot().describe() == "idle"
    assert not Snapshot(other={"x": 1}).idle
    assert Snapshot(other={"x": 1}).describe() == "x: 1"
