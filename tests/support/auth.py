"""API keys for tests: every service API refuses callers without one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from playerseg.keys import key_headers
from segshared.auth.domain import ADMIN, ApiKey


async def key_headers_async(redis_url: str, key_prefix: str, *scopes: str,
                            name: str = "tests") -> dict[str, str]:  # fmt: skip
    """:func:`playerseg.keys.key_headers` from a running event loop."""
    return await asyncio.to_thread(key_headers, redis_url, key_prefix, *scopes, name=name)


class AdmitAll:
    """An authenticator that admits any caller as admin: for tests of something else on an
    app whose Redis is not there."""

    async def verify(self, token: str | None) -> ApiKey:
        return ApiKey("test", "tests", frozenset({ADMIN}), "", datetime.now(UTC))
