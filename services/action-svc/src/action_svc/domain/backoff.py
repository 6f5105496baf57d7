"""Retry policy of webhook and dispatch calls: which failures to retry, and how long to wait."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# 408 timeout, 425 too early, 429 throttled: the request may succeed later unchanged.
_RETRYABLE_4XX = frozenset({408, 425, 429})
#: Error labels of failures decided before any request was sent: retrying cannot help.
PERMANENT_ERRORS = frozenset({"blocked_address", "invalid_url", "redirect"})


def backoff_delay_s(
    attempt: int, *, base_s: float, cap_s: float, rng: Callable[[], float]
) -> float:
    """Seconds to wait before retry ``attempt`` (1 = first retry): exponential, full jitter.

    AWS "full jitter": uniform in [0, min(cap, base * 2**(attempt-1))). Spreading retries
    over the whole interval keeps many failed deliveries from retrying in lockstep.
    ``rng`` returns floats in [0, 1), e.g. ``random.random``; tests pass a seeded one.
    """
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    if base_s < 0 or cap_s < 0:
        raise ValueError("base_s and cap_s must be >= 0")
    # Past 2**64 the ceiling is the cap anyway; bounding the exponent avoids float overflow.
    ceiling = min(cap_s, base_s * 2.0 ** min(attempt - 1, 64))
    return ceiling * min(max(rng(), 0.0), 1.0)


def is_retryable(status: int | None, error: str | None) -> bool:
    """True for failures that may pass on retry.

    No status means no response was read (connection refused or reset, DNS failure,
    timeout): the request may not have arrived, and the idempotency key makes a resend
    safe. ``error`` is then a short label, optionally followed by ": detail"; the labels in
    ``PERMANENT_ERRORS`` are our own refusals and would fail again. Other 4xx mean the
    request itself is wrong; 2xx and 3xx are not retried (redirects are not followed: they
    would bypass the SSRF check).
    """
    if status is None:
        label = (error or "").split(":", 1)[0].strip().lower()
        return label not in PERMANENT_ERRORS
    return status in _RETRYABLE_4XX or 500 <= status <= 599


def retry_after_s(header_value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or HTTP-date), None if unusable.

    A date in the past means "now" (0). The caller still bounds the wait by its own cap.
    """
    if header_value is None:
        return None
    text = header_value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" parses naive
        when = when.replace(tzinfo=UTC)
    delay = (when - now).total_seconds()
    return max(0.0, delay) if math.isfinite(delay) else None
