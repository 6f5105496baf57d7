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
            raise_if_cancelling()
            log.exception("%s failed; retrying in %.1fs", what, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def raise_if_cancelling() -> None:
    """Re-raise a cancellation that a client library turned into an ordinary error.

    redis-py turns a cancel that lands mid-command into a connection error; a loop that
    retries every ``Exception`` would then never stop at shutdown.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
