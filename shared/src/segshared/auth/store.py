"""API keys in Redis: every service reaches Redis and they share no database.

One hash per key (``apikey:<id>``: name, scopes, SHA-256 of the secret, created, expires,
revoked) and a set of the ids, for listing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

from segshared.auth.domain import ApiKey, hash_secret, new_token
from segshared.keys import Keys


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


class RedisKeyStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def create(
        self, name: str, scopes: frozenset[str], *, expires_days: float | None = None,
        now: datetime | None = None,
    ) -> tuple[str, ApiKey]:  # fmt: skip
        """``(key, record)`` of a new key; the key is never stored, only its secret's hash."""
        token, key_id, secret = new_token()
        created = now or datetime.now(UTC)
        expires = created + timedelta(days=expires_days) if expires_days else None
        record = ApiKey(key_id, name, scopes, hash_secret(secret), created, expires)
        mapping = {
            "name": name, "scopes": ",".join(sorted(scopes)), "hash": record.secret_hash,
            "created": created.isoformat(), "expires": expires.isoformat() if expires else "",
            "revoked": "0",
        }  # fmt: skip
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._keys.api_key(key_id), mapping=mapping)  # type: ignore[arg-type]
            pipe.sadd(self._keys.api_keys(), key_id)
            await pipe.execute()
        return token, record

    async def get(self, key_id: str) -> ApiKey | None:
        raw = await self._redis.hgetall(self._keys.api_key(key_id))
        if not raw:
            return None
        fields = {_text(k): _text(v) for k, v in raw.items()}
        expires = fields.get("expires")
        return ApiKey(
            key_id=key_id,
            name=fields.get("name", ""),
            scopes=frozenset(s for s in fields.get("scopes", "").split(",") if s),
            secret_hash=fields.get("hash", ""),
            created_at=datetime.fromisoformat(fields["created"]),
            expires_at=datetime.fromisoformat(expires) if expires else None,
            revoked=fields.get("revoked") == "1",
        )

    async def list(self) -> list[ApiKey]:
        members = await self._redis.smembers(self._keys.api_keys())
        ids = sorted(_text(i) for i in members)
        found = [await self.get(i) for i in ids]
        return sorted((k for k in found if k), key=lambda k: k.created_at)

    async def revoke(self, key_id: str) -> bool:
        """Whether ``key_id`` existed (it is refused from now on, by every service within
        the verification cache's lifetime)."""
        if not await self._redis.exists(self._keys.api_key(key_id)):
            return False
        await self._redis.hset(self._keys.api_key(key_id), "revoked", "1")
        return True
