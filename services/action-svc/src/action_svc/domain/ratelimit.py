"""A token bucket that reserves: ``take`` says how long to wait, and the caller sleeps.

Reserving (tokens may go negative) instead of refusing means one call per send and no
polling loop; concurrent callers queue up in order because each reservation pushes the
next one's wait further out, like golang.org/x/time/rate's Reserve.
"""

from __future__ import annotations

from collections.abc import Callable


class TokenBucket:
    """``rate_per_s`` tokens a second, up to ``burst`` saved; rate 0 or None is unlimited."""

    def __init__(self, rate_per_s: float | None, burst: int, clock: Callable[[], float]) -> None:
        if rate_per_s is not None and rate_per_s < 0:
            raise ValueError(f"rate_per_s must be >= 0, got {rate_per_s}")
        if burst < 1:
            raise ValueError(f"burst must be >= 1, got {burst}")
        self.rate = rate_per_s or 0.0
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)  # a fresh bucket starts full
        self._at = clock()

    @property
    def unlimited(self) -> bool:
        return self.rate == 0.0

    def _refill(self) -> None:
        now = self._clock()
        # A clock that steps back (it should be monotonic) must not mint tokens.
        if now > self._at:
            self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
            self._at = now

    def available(self) -> float:
        """Tokens available now (negative while earlier reservations are still owed)."""
        if self.unlimited:
            return float("inf")
        self._refill()
        return self._tokens

    def take(self, n: int = 1) -> float:
        """Reserve ``n`` tokens; the seconds to wait before using them (0.0 if now)."""
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        if self.unlimited:
            return 0.0
        self._refill()
        self._tokens -= n
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate
