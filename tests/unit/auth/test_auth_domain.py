"""API keys and scope rules, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from segshared.auth.domain import (
    SCOPES,
    ApiKey,
    hash_secret,
    new_token,
    parse_scopes,
    parse_token,
)
from segshared.auth.rules import required_scope
from tests.support.scopes import OPEN
from tests.support.scopes import SCOPES as ROUTES

pytestmark = pytest.mark.unit
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _key(*scopes: str, **kw: object) -> ApiKey:
    return ApiKey("k1", "crm", frozenset(scopes), hash_secret("s3cret"), NOW, **kw)  # type: ignore[arg-type]


def test_a_new_key_parses_back_to_its_id_and_a_secret_that_matches_only_its_hash() -> None:
    token, key_id, secret = new_token()
    assert token == f"psk_{key_id}_{secret}"
    assert parse_token(token) == (key_id, secret)
    record = ApiKey(key_id, "x", frozenset({"read"}), hash_secret(secret), NOW)
    assert record.matches(secret) and not record.matches(secret + "x")
    assert secret not in record.secret_hash and len(record.secret_hash) == 64


@pytest.mark.parametrize("token", ["", "psk_", "psk_abc", "psk__secret", "key_abc_def", "abc"])
def test_malformed_keys_do_not_parse(token: str) -> None:
    assert parse_token(token) is None


def test_admin_grants_every_scope_but_pii() -> None:
    admin = _key("admin")
    assert all(admin.grants(s) for s in SCOPES if s != "pii")
    assert not admin.grants("pii")
    assert _key("read", "pii").grants("pii")
    assert not _key("read").grants("write")


def test_revoked_and_expired_keys_are_not_usable() -> None:
    assert _key("read").usable(NOW)
    assert not _key("read", revoked=True).usable(NOW)
    soon = NOW + timedelta(days=1)
    assert _key("read", expires_at=soon).usable(NOW)
    assert not _key("read", expires_at=soon).usable(soon)


def test_scopes_are_parsed_and_unknown_ones_named() -> None:
    assert parse_scopes("read, write") == {"read", "write"}
    with pytest.raises(ValueError, match="'delete'"):
        parse_scopes("read,delete")
    with pytest.raises(ValueError, match="at least one"):
        parse_scopes(" , ")


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [(m, p, s) for routes in ROUTES.values() for (m, p), s in routes.items()],
)
def test_every_route_needs_the_scope_of_its_kind(method: str, path: str, scope: str) -> None:
    assert required_scope(method, path) == scope


@pytest.mark.parametrize("path", sorted(OPEN))
def test_health_and_metrics_are_open(path: str) -> None:
    assert required_scope("GET", path) is None
