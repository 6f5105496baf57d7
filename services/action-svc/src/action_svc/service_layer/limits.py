"""Per-channel send rates: one token bucket per channel in this worker.

The limit is per worker process: with W workers sharing a channel's sends, each sends at
most the channel's rate (docs: set the rate to the provider's limit divided by W).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping

from action_svc.domain.ratelimit import TokenBucket


class Limiters:
    def __init__(self, *, default_rate_per_s: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] = asyncio.sleep) -> None:  # fmt: skip
        self._default = default_rate_per_s
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._rates: Mapping[str, float | None] = {}

    def configure(self, rates: Mapping[str, float | None]) -> None:
        """Apply the operators' rates (None: the default); a changed rate starts a new bucket."""
        for channel, bucket in list(self._buckets.items()):
            if bucket.rate != self._rate(channel, rates):
                del self._buckets[channel]
        self._rates = dict(rates)

    def _rate(self, channel: str, rates: Mapping[str, float | None]) -> float:
        rate = rates.get(channel)
        return self._default if rate is None else rate

    async def acquire(self, channel: str, n: int) -> None:
        """Wait until ``n`` sends on ``channel`` fit the rate."""
        bucket = self._buckets.get(channel)
        if bucket is None:
            rate = self._rate(channel, self._rates)
            # A second's worth of burst: a chunk never waits for tokens it could never hold.
            bucket = TokenBucket(rate, burst=max(1, int(rate)), clock=self._clock)
            self._buckets[channel] = bucket
        wait = bucket.take(n)
        if wait > 0:
            result = self._sleep(wait)
            if asyncio.iscoroutine(result):
                await result
