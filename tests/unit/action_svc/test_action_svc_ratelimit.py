"""The reserving token bucket, driven by a fake clock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from action_svc.domain.ratelimit import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_paced() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10.0, 5, clock)
    assert [bucket.take() for _ in range(5)] == [0.0] * 5
    assert bucket.take() == pytest.approx(0.1)
    assert bucket.take() == pytest.approx(0.2)  # reservations queue up
    clock.now += 0.2
    assert bucket.available() == pytest.approx(0.0)
    assert bucket.take() == pytest.approx(0.1)


def test_refill_caps_at_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2.0, 3, clock)
    bucket.take(3)
    clock.now += 100
    assert bucket.available() == 3.0
    assert bucket.take(3) == 0.0
    assert bucket.take(2) == pytest.approx(1.0)


def test_take_more_than_burst_waits_proportionally() -> None:
    bucket = TokenBucket(4.0, 2, FakeClock())
    assert bucket.take(10) == pytest.approx(2.0)


def test_clock_going_back_mints_nothing() -> None:
    clock = FakeClock()
    bucket = TokenBucket(1.0, 1, clock)
    bucket.take()
    clock.now -= 50
    assert bucket.take() == pytest.approx(1.0)


@pytest.mark.parametrize("rate", [0, 0.0, None])
def test_unlimited(rate: float | None) -> None:
    bucket = TokenBucket(rate, 1, FakeClock())
    assert bucket.unlimited
    assert all(bucket.take(1000) == 0.0 for _ in range(100))


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(-1.0, 1, FakeClock())
    with pytest.raises(ValueError, match="burst"):
        TokenBucket(1.0, 0, FakeClock())
    with pytest.raises(ValueError, match="n must be"):
        TokenBucket(1.0, 1, FakeClock()).take(0)


@given(
    rate=st.floats(0.5, 1000),
    burst=st.integers(1, 50),
    steps=st.lists(st.tuples(st.floats(0, 2), st.integers(1, 5)), max_size=60),
)
def test_never_exceeds_rate_over_time(
    rate: float, burst: int, steps: list[tuple[float, int]]
) -> None:
    """Sends, each at its granted time, never outrun burst + rate * elapsed."""
    clock = FakeClock()
    start = clock.now
    bucket = TokenBucket(rate, burst, clock)
    sent = 0
    for gap, n in steps:
        clock.now += gap
        wait = bucket.take(n)
        assert wait >= 0
        sent += n
        granted_at = clock.now + wait
        assert sent <= burst + rate * (granted_at - start) + 1e-6
