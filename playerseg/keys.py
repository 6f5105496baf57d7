"""``playerseg keys create|list|revoke``: API keys in the deployment's Redis.

The same helpers make the embedded stack's keys and the tests' keys.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TypeVar

from segshared.auth.domain import ADMIN, ApiKey, bearer_headers, parse_scopes, parse_token
from segshared.auth.store import RedisKeyStore
from segshared.keys import Keys
from segshared.redis_client import make_redis

T = TypeVar("T")


def _with_store(redis_url: str, key_prefix: str, use: Callable[[RedisKeyStore], Awaitable[T]]) -> T:
    async def run() -> T:
        redis = make_redis(redis_url)
        try:
            return await use(RedisKeyStore(redis, Keys(key_prefix)))
        finally:
            await redis.aclose()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run())
    # A loop runs in this thread (e.g. Playwright's sync API in the browser tests): use another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


def create_key(
    redis_url: str, key_prefix: str = "", *, name: str, scopes: frozenset[str] = frozenset({ADMIN}),
    expires_days: float | None = None,
) -> tuple[str, ApiKey]:  # fmt: skip
    """``(key, record)`` of a new key; the key is shown once and never stored."""
    return _with_store(redis_url, key_prefix,
                       lambda s: s.create(name, scopes, expires_days=expires_days))  # fmt: skip


def verify_key(redis_url: str, key_prefix: str, token: str) -> ApiKey | None:
    """The record of ``token`` if it is a valid, usable key, else None."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    key = _with_store(redis_url, key_prefix, lambda s: s.get(parsed[0]))
    ok = key is not None and key.matches(parsed[1]) and key.usable(datetime.now(UTC))
    return key if ok else None


def list_keys(redis_url: str, key_prefix: str = "") -> list[ApiKey]:
    return _with_store(redis_url, key_prefix, lambda s: s.list())


def revoke_key(redis_url: str, key_prefix: str, key_id: str) -> bool:
    return _with_store(redis_url, key_prefix, lambda s: s.revoke(key_id))


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="create, list and revoke API keys")
    redis_url = os.environ.get("PLAYERSEG_REDIS_URL", "redis://127.0.0.1:6390/0")
    keys.add_argument("--redis-url", default=redis_url, help="default: $PLAYERSEG_REDIS_URL")
    prefix = os.environ.get("PLAYERSEG_KEY_PREFIX", "")
    keys.add_argument("--key-prefix", default=prefix, help="default: $PLAYERSEG_KEY_PREFIX")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    create = actions.add_parser("create", help="make a key and print it (once)")
    create.add_argument("--name", required=True, help="who or what uses the key")
    create.add_argument("--scopes", required=True, help="comma-separated, e.g. read,write")
    create.add_argument("--expires-days", type=float, help="default: never expires")
    actions.add_parser("list", help="every key: id, name, scopes, state")
    revoke = actions.add_parser("revoke", help="refuse a key from now on (within 5 s)")
    revoke.add_argument("key_id")


def _state(key: ApiKey, now: datetime) -> str:
    if key.revoked:
        return "revoked"
    return "active" if key.usable(now) else "expired"


def run(args: argparse.Namespace) -> int:
    url, prefix = args.redis_url, args.key_prefix
    if args.keys_command == "create":
        try:
            scopes = parse_scopes(args.scopes)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        token, key = create_key(url, prefix, name=args.name, scopes=scopes,
                                expires_days=args.expires_days)  # fmt: skip
        expiry = f", expires {key.expires_at:%Y-%m-%d %H:%M} UTC" if key.expires_at else ""
        print(f"key {key.key_id} ({key.name}; {','.join(sorted(scopes))}{expiry}); "
              "store it now, it is not shown again:", file=sys.stderr)  # fmt: skip
        print(token)
        return 0
    if args.keys_command == "list":
        now = datetime.now(UTC)
        for key in list_keys(url, prefix):
            print(f"{key.key_id}\t{key.name}\t{','.join(sorted(key.scopes))}\t{_state(key, now)}"
                  f"\t{key.created_at:%Y-%m-%d}")  # fmt: skip
        return 0
    if not revoke_key(url, prefix, args.key_id):
        print(f"error: there is no key {args.key_id}; see playerseg keys list", file=sys.stderr)
        return 1
    print(f"revoked {args.key_id}")
    return 0


def key_headers(
    redis_url: str, key_prefix: str, *scopes: str, name: str = "operator"
) -> dict[str, str]:
    """Headers presenting a new key with ``scopes`` (default ``admin``): for tests and tools."""
    token, _ = create_key(redis_url, key_prefix, name=name, scopes=frozenset(scopes or {ADMIN}))
    return bearer_headers(token)
