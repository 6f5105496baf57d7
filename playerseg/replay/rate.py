"""Token bucket that paces the replay to a number of events per second."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """Allows ``rate`` tokens a second on average and bursts of up to ``burst`` tokens."""

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        # A tenth of a second's worth keeps the pace smooth without a sleep per event.
        self.burst = burst if burst is not None else max(1.0, rate / 10)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._last = clock()

    def acquire(self, tokens: float = 1.0) -> None:
        """Block until ``tokens`` are available, then take them."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        self._tokens -= tokens
        if self._tokens < 0:
            # Sleep off the debt; the time slept refills it on the next call, so that an
            # oversleep is credited rather than lost.
            self._sleep(-self._tokens / self.rate)
