"""``playerseg keys create|list|revoke`` against the real Redis; a revoked key is refused."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from playerseg.cli import main
from segshared.auth.domain import ApiKey
from segshared.auth.fastapi import Authenticator, Unauthenticated
from segshared.auth.store import RedisKeyStore
from segshared.keys import Keys
from segshared.redis_client import make_redis

pytestmark = pytest.mark.integration


async def _stored(redis_url: str, prefix: str, key_id: str) -> dict[bytes, bytes]:
    redis = make_redis(redis_url)
    try:
        return dict(await redis.hgetall(Keys(prefix).api_key(key_id)))
    finally:
        await redis.aclose()


async def _verify(redis_url: str, prefix: str, token: str) -> ApiKey:
    redis = make_redis(redis_url)
    try:
        return await Authenticator(RedisKeyStore(redis, Keys(prefix))).verify(token)
    finally:
        await redis.aclose()


def _keys(redis_url: str, prefix: str, *argv: str) -> int:
    return main(["keys", "--redis-url", redis_url, "--key-prefix", prefix, *argv])


def test_create_list_revoke_and_a_revoked_key_is_refused(
    redis_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    assert _keys(redis_url, prefix, "create", "--name", "crm team", "--scopes", "read,write",
                 "--expires-days", "30") == 0  # fmt: skip
    out = capsys.readouterr()
    token = out.out.strip()
    key_id = token.split("_")[1]
    assert token.startswith("psk_") and "not shown again" in out.err and key_id in out.err

    assert _keys(redis_url, prefix, "list") == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [r[:4] for r in rows] == [[key_id, "crm team", "read,write", "active"]]

    raw = asyncio.run(_stored(redis_url, prefix, key_id))
    assert token.encode() not in b"".join(raw.values()), "only a hash of the secret is stored"
    key = asyncio.run(_verify(redis_url, prefix, token))
    assert key.name == "crm team" and key.scopes == {"read", "write"}

    assert _keys(redis_url, prefix, "revoke", key_id) == 0
    assert _keys(redis_url, prefix, "list") == 0
    assert capsys.readouterr().out.split("\t")[3] == "revoked"
    with pytest.raises(Unauthenticated, match="revoked"):
        asyncio.run(_verify(redis_url, prefix, token))


def test_unknown_scopes_and_keys_are_named(
    redis_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _keys(redis_url, "x:", "create", "--name", "n", "--scopes", "read,everything") == 2
    assert "'everything'" in capsys.readouterr().err
    assert _keys(redis_url, "x:", "revoke", "nosuchkey") == 1
    assert "no key nosuchkey" in capsys.readouterr().err
