"""Anonymized fields in segment tables (execute and members): masked unless the caller's key
has the ``pii`` scope."""

from __future__ import annotations

import random

from redis import Redis

from segshared.auth.domain import PII, READ
from segshared.fields import encode_field_value, field_spec
from segshared.partitioning import partition_for
from tests.integration.segment_svc.conftest import PARTITIONS, Api, CardCatalogueStub
from tests.integration.segment_svc.support import seed_cards
from tests.support.auth import key_headers_async

COLUMNS = ["player_id", "email", "username", "total_wagered"]


def _seed(api: Api, card_catalogue: CardCatalogueStub, sync_redis: Redis) -> dict[str, dict]:
    """Card 1 with 300 players whose profiles hold an email, a username and a figure."""
    rng = random.Random(11)
    keys = api.settings.keys
    profiles = {
        str(200000 + i): {
            "email": f"p{i}@example.org",
            "username": f"user{i}",
            "total_wagered": float(rng.randint(0, 900)),
        }
        for i in range(300)
    }
    card_catalogue.known |= {1}
    seed_cards(sync_redis, keys, PARTITIONS, {1: set(profiles)})
    pipe = sync_redis.pipeline(transaction=False)
    for player, values in profiles.items():
        for name, value in values.items():
            spec = field_spec(name)
            assert spec is not None
            key = keys.player_profile(partition_for(player, PARTITIONS), player)
            pipe.hset(key, name, encode_field_value(spec, value))
    pipe.execute()
    return profiles


async def test_anonymized_columns_are_masked_and_not_sortable(
    api: Api, card_catalogue: CardCatalogueStub, sync_redis: Redis
) -> None:
    profiles = _seed(api, card_catalogue, sync_redis)
    body = {"include": {"card": 1}, "columns": COLUMNS, "sort": "total_wagered", "limit": 50}
    response = await api.client.post("/segments/execute", json=body)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    top = sorted(profiles, key=lambda p: (profiles[p]["total_wagered"], int(p)))[:50]
    assert [r["player_id"] for r in items] == top
    assert [list(r) for r in items] == [COLUMNS] * 50  # the columns in the order asked
    assert {(r["email"], r["username"]) for r in items} == {("***", "***")}
    assert [r["total_wagered"] for r in items] == [profiles[p]["total_wagered"] for p in top]

    refused = await api.client.post("/segments/execute", json={**body, "sort": "email"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == "sort" and "anonymized" in refused.text


async def test_a_caller_with_the_pii_scope_sees_the_values(
    api: Api, card_catalogue: CardCatalogueStub, sync_redis: Redis
) -> None:
    profiles = _seed(api, card_catalogue, sync_redis)
    pii = await key_headers_async(api.settings.redis_url, api.settings.key_prefix, READ, PII)
    body = {"include": {"card": 1}, "columns": COLUMNS, "sort": "email", "order": "desc"}
    response = await api.client.post("/segments/execute", json={**body, "limit": 20}, headers=pii)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    top = sorted(profiles, key=lambda p: profiles[p]["email"], reverse=True)[:20]
    assert [r["player_id"] for r in items] == top
    assert [r["email"] for r in items] == [profiles[p]["email"] for p in top]
    assert [r["username"] for r in items] == [profiles[p]["username"] for p in top]
