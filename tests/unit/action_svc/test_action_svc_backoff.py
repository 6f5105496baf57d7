"""Retry policy: full-jitter backoff bounds, retryable failures, Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from action_svc.domain.backoff import backoff_delay_s, is_retryable, retry_after_s


def test_full_jitter_bounds_with_seeded_rng() -> None:
    rng = random.Random(42).random
    for attempt in range(1, 30):
        ceiling = min(60.0, 0.5 * 2 ** (attempt - 1))
        delays = [backoff_delay_s(attempt, base_s=0.5, cap_s=60.0, rng=rng) for _ in range(200)]
        assert all(0.0 <= d < ceiling for d in delays) or ceiling == 0
        # Full jitter spreads over the whole interval, not just its top.
        assert min(delays) < ceiling * 0.1 and max(delays) > ceiling * 0.9


def test_extremes_of_rng_and_huge_attempts() -> None:
    assert backoff_delay_s(1, base_s=1, cap_s=10, rng=lambda: 0.0) == 0.0
    assert backoff_delay_s(3, base_s=1, cap_s=10, rng=lambda: 0.5) == 2.0
    assert backoff_delay_s(10_000, base_s=1, cap_s=10, rng=lambda: 0.5) == 5.0
    assert backoff_delay_s(2, base_s=1, cap_s=10, rng=lambda: 7.0) == 2.0  # clamped


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="attempt"):
        backoff_delay_s(0, base_s=1, cap_s=10, rng=random.random)
    with pytest.raises(ValueError, match=">= 0"):
        backoff_delay_s(1, base_s=-1, cap_s=10, rng=random.random)


@given(
    attempt=st.integers(1, 10_000),
    base=st.floats(0, 100),
    cap=st.floats(0, 3600),
    r=st.floats(0, 1, exclude_max=True),
)
def test_delay_never_exceeds_cap(attempt: int, base: float, cap: float, r: float) -> None:
    delay = backoff_delay_s(attempt, base_s=base, cap_s=cap, rng=lambda: r)
    assert 0.0 <= delay <= cap


@pytest.mark.parametrize(
    ("status", "error", "retry"),
    [
        (None, "timeout", True),
        (None, "connect: connection refused", True),
        (None, None, True),
        (None, "blocked_address: resolves to 10.0.0.1", False),
        (None, "invalid_url", False),
        (408, None, True),
        (425, None, True),
        (429, None, True),
        (500, None, True),
        (502, None, True),
        (503, None, True),
        (599, None, True),
        (400, None, False),
        (401, None, False),
        (403, None, False),
        (404, None, False),
        (410, None, False),
        (422, None, False),
        (301, None, False),
        (200, None, False),
    ],
)
def test_is_retryable(status: int | None, error: str | None, retry: bool) -> None:
    assert is_retryable(status, error) is retry


def test_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_s("120", now) == 120.0
    assert retry_after_s(" 0 ", now) == 0.0
    assert retry_after_s("Thu, 01 Jan 2026 12:01:30 GMT", now) == 90.0
    assert retry_after_s("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0  # in the past: now
    assert retry_after_s(None, now) is None
    assert retry_after_s("soon", now) is None
    assert retry_after_s("-5", now) is None
    assert retry_after_s("1.5", now) is None
