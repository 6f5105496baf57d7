"""The replay's token bucket, on a fake clock."""

from __future__ import annotations

import pytest

from playerseg.replay.rate import TokenBucket


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_paces_to_the_rate_after_the_burst() -> None:
    fake = FakeTime()
    bucket = TokenBucket(100, burst=10, clock=fake.clock, sleep=fake.sleep)
    for _ in range(110):
        bucket.acquire()
    # 10 tokens were there at the start; 100 more take one second at 100/s.
    assert fake.now == pytest.approx(1.0)


def test_idle_time_refills_up_to_the_burst_only() -> None:
    fake = FakeTime()
    bucket = TokenBucket(10, burst=5, clock=fake.clock, sleep=fake.sleep)
    fake.now = 100.0  # a long pause banks no more than the burst
    for _ in range(5):
        bucket.acquire()
    assert fake.now == 100.0
    bucket.acquire()
    assert fake.now == pytest.approx(100.1)


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        TokenBucket(0)
