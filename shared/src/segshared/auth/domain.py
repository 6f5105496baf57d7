"""API keys and scopes, without I/O.

A key reads ``psk_<key id>_<secret>``. Only the id (in clear) and the SHA-256 of the secret
are stored: a leaked store does not leak usable keys. ``admin`` grants every scope but
``pii``: seeing anonymized fields unmasked is always granted on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

PREFIX = "psk_"
READ, WRITE, EXPORT, ACTIONS, PII, ADMIN = "read", "write", "export", "actions", "pii", "admin"
#: Every scope, with what it lets a caller do (the README's table says the same).
SCOPES: dict[str, str] = {
    READ: "GET of cards, segments, members, fields, history, actions and export jobs",
    WRITE: "create, update, delete, clone and upload cards and segments",
    EXPORT: "export jobs, streamed exports, downloads and schedules",
    ACTIONS: "create, change, pause, resume and delete actions; channel settings",
    PII: "anonymized fields unmasked in tables and exports",
    ADMIN: "everything but pii, and the audit log",
}


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key: its id, name, scopes and lifetime; never the secret itself."""

    key_id: str
    name: str
    scopes: frozenset[str]
    secret_hash: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked: bool = False

    def usable(self, now: datetime) -> bool:
        return not self.revoked and (self.expires_at is None or now < self.expires_at)

    def grants(self, scope: str) -> bool:
        return scope in self.scopes or (ADMIN in self.scopes and scope != PII)

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token() -> tuple[str, str, str]:
    """``(key, key id, secret)`` of a fresh key; the key is shown once, never stored."""
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
    return f"{PREFIX}{key_id}_{secret}", key_id, secret


def parse_token(token: str) -> tuple[str, str] | None:
    """``(key id, secret)`` of a presented key, None when it is not shaped like one."""
    if not token.startswith(PREFIX):
        return None
    key_id, sep, secret = token.removeprefix(PREFIX).partition("_")
    if not sep or not key_id or not secret:
        return None
    return key_id, secret


def parse_scopes(text: str | Iterable[str]) -> frozenset[str]:
    """The scopes of ``a,b,c``; ValueError naming the unknown ones."""
    given = text.split(",") if isinstance(text, str) else list(text)
    scopes = frozenset(s.strip() for s in given if s.strip())
    unknown = sorted(scopes - SCOPES.keys())
    if unknown:
        raise ValueError(f"unknown scopes {unknown}; choose from {', '.join(SCOPES)}")
    if not scopes:
        raise ValueError(f"give at least one scope of {', '.join(SCOPES)}")
    return scopes


def bearer_headers(key: str) -> dict[str, str]:
    """The headers that present ``key`` (none when there is no key)."""
    return {"Authorization": f"Bearer {key}"} if key else {}
