"""Retrying a batch until it succeeds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


async def retry_forever(what: str, fn: Callable[[], Awaitable[T]]) -> T:
    """Retry a batch until it succeeds: skipping it would lose changes, and its offsets are
    not acknowledged until it is done, so a crash meanwhile replays it (at-least-once)."""
    delay = 0.2
    while True:
        try:
            return await fn()
        except Exception:
            log.exception("%s failed; retrying in %.1fs", what, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)
