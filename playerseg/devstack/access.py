"""The embedded stack's API keys: an admin key for the operator (and the seeding, replay and
test tools) and a key the services present to each other.

Kept in the data dir (``admin-key``, ``service-key``) and reused while Redis still knows them,
so that a restarted stack keeps the operator's key; ``--fresh`` makes new ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from playerseg.keys import create_key, verify_key
from segshared.auth.domain import ADMIN, READ, bearer_headers

ADMIN_FILE, SERVICE_FILE = "admin-key", "service-key"


@dataclass(frozen=True)
class StackKeys:
    admin: str
    service: str

    @property
    def admin_headers(self) -> dict[str, str]:
        return bearer_headers(self.admin)


def _key(path: Path, redis_url: str, key_prefix: str, name: str, scopes: frozenset[str]) -> str:
    if path.is_file():
        known = path.read_text(encoding="utf-8").strip()
        if verify_key(redis_url, key_prefix, known) is not None:
            return known
    token, _ = create_key(redis_url, key_prefix, name=name, scopes=scopes)
    path.write_text(token + "\n", encoding="utf-8")
    os.chmod(path, 0o600)  # a key is a password
    return token


def stack_keys(redis_url: str, key_prefix: str, data_dir: Path) -> StackKeys:
    """The stack's keys: reused from ``data_dir`` when still valid, else made anew."""
    return StackKeys(
        admin=_key(data_dir / ADMIN_FILE, redis_url, key_prefix, "operator", frozenset({ADMIN})),
        # Services only read each other (which cards exist, which actions use a segment).
        service=_key(data_dir / SERVICE_FILE, redis_url, key_prefix, "services", frozenset({READ})),
    )
