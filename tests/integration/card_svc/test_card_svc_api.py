"""The card-svc HTTP API: validation, uploads, listing, members, and deleting a card that a
real segment-svc segment uses."""

from __future__ import annotations

import httpx
import pytest
from card_svc_it import wait_healthy

from playerseg.demo.catalog import CARDS
from playerseg.devstack.ports import free_port
from segshared.history import SizeHistory
from segshared.redis_client import make_redis
from tests.integration.card_svc.conftest import CardEnv

RULES = {name: rule for name, _, rule in CARDS}


async def test_validation_listing_and_members(api: httpx.AsyncClient) -> None:
    bad = {"metric": {"fn": "max", "event": "bet_placed", "property": "colour"}, "op": "gte",
           "value": 1}  # fmt: skip
    r = await api.post("/cards", json={"name": "Bad", "rule": bad})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"].startswith("rule")
    r = await api.post("/cards", json={"name": "", "rule": RULES["High rollers"]})
    assert r.status_code == 422
    r = await api.post("/cards", json={"name": "High", "rule": RULES["High rollers"]})
    assert r.status_code == 201
    card = r.json()
    assert card["kind"] == "rule" and card["revision"] == 1 and card["count"] == 0
    assert card["ready"] is False  # no worker has evaluated it
    r = await api.post("/cards", json={"name": "High", "rule": RULES["Net losers"]})
    assert r.status_code == 409 and "already exists" in r.json()["detail"]

    r = await api.post("/cards/upload", data={"name": "List"},
                       files={"file": ("l.csv", "player_id\n1\nbad id\n", "text/csv")})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["line"] == 3
    r = await api.post("/cards/upload", data={"name": "List"},
                       files={"file": ("l.csv", "1\n2\n", "text/csv")})  # fmt: skip
    assert r.status_code == 201 and r.json()["kind"] == "static"
    static_id = r.json()["id"]
    r = await api.put(f"/cards/{static_id}", json={"rule": RULES["Net losers"]})
    assert r.status_code == 422
    r = await api.put(f"/cards/{card['id']}", json={"description": "big stakes"})
    assert r.status_code == 200 and r.json()["revision"] == 2

    page = (await api.get("/cards", params={"q": "big"})).json()
    assert [c["name"] for c in page["items"]] == ["High"] and page["total"] == 1
    page = (await api.get("/cards", params={"ids": f"{static_id}"})).json()
    assert [c["id"] for c in page["items"]] == [static_id]
    assert (await api.get("/cards/999999")).status_code == 404

    r = await api.get(f"/cards/{card['id']}/members", params={"columns": "player_id,nope"})
    assert r.status_code == 422 and "nope" in r.json()["detail"]
    r = await api.get(f"/cards/{card['id']}/members", params={"columns": "bets_count",
                                                               "sort": "bets_count"})  # fmt: skip
    assert r.status_code == 200 and r.json()["total"] == 0
    fields = (await api.get("/fields")).json()["items"]
    assert {"net_result", "total_bonus", "last_bet_at"} <= {f["name"] for f in fields}
    stats = (await api.get("/stats")).json()
    assert stats["outbox_pending"] == 0 and stats["dead_letters"] == {}


@pytest.mark.timeout(180)
async def test_delete_is_refused_while_a_segment_uses_the_card(
    card_env: CardEnv, pg_url: str
) -> None:
    pytest.importorskip("segment_svc")
    card_port, seg_port = free_port(), free_port()
    card_url, seg_url = f"http://127.0.0.1:{card_port}", f"http://127.0.0.1:{seg_port}"
    seg_env = {
        "SEGMENT_SVC_DATABASE_URL": pg_url,
        "SEGMENT_SVC_PORT": str(seg_port),
        "SEGMENT_SVC_CARD_SVC_URL": card_url,
    }
    migrate = card_env.start("segment_svc.entrypoints.migrate", **seg_env)
    assert migrate.wait(timeout=60) == 0
    card_env.start("card_svc.entrypoints.api", CARD_SVC_PORT=str(card_port),
                   CARD_SVC_SEGMENT_SVC_URL=seg_url)  # fmt: skip
    card_env.start("segment_svc.entrypoints.api", **seg_env)
    async with httpx.AsyncClient(timeout=10, headers=card_env.headers) as client:
        await wait_healthy(client, card_url, seg_url)
        r = await client.post(
            f"{card_url}/cards", json={"name": "Net", "rule": RULES["Net losers"]}
        )
        card_id = r.json()["id"]
        r = await client.post(f"{seg_url}/segments",
                              json={"name": "Losers", "include": {"card": card_id}})  # fmt: skip
        assert r.status_code == 201, r.text
        r = await client.delete(f"{card_url}/cards/{card_id}")
        assert r.status_code == 409, r.text
        assert "'Losers'" in r.json()["detail"]
        assert (await client.get(f"{card_url}/cards/{card_id}")).status_code == 200
        r = await client.delete(f"{card_url}/cards/{card_id}", params={"force": "true"})
        assert r.status_code == 204
        assert (await client.get(f"{card_url}/cards/{card_id}")).status_code == 404


async def test_members_mask_anonymized_fields(api: httpx.AsyncClient, card_env: CardEnv) -> None:
    from redis import Redis

    from segshared.fields import encode_field_value, field_spec
    from segshared.partitioning import partition_for

    emails = {str(300000 + i): f"m{i}@example.org" for i in range(40)}
    listing = "player_id\n" + "\n".join(emails) + "\n"
    r = await api.post("/cards/upload", data={"name": "Masked list"},
                       files={"file": ("l.csv", listing, "text/csv")})  # fmt: skip
    assert r.status_code == 201, r.text
    card_id = r.json()["id"]
    settings, keys = card_env.settings, card_env.settings.keys
    # No worker here: the card's sets and the profiles are written as card-svc's worker would.
    sync = Redis.from_url(settings.redis_url)
    spec = field_spec("email")
    assert spec is not None
    for player, email in emails.items():
        p = partition_for(player, settings.partitions)
        sync.sadd(keys.card(p, card_id), player)
        sync.hset(keys.player_profile(p, player), "email", encode_field_value(spec, email))
    sync.close()

    page = await api.get(f"/cards/{card_id}/members", params={"columns": "email", "limit": 100})
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert sorted(i["player_id"] for i in items) == sorted(emails)
    assert {i["email"] for i in items} == {"***"}
    refused = await api.get(f"/cards/{card_id}/members", params={"sort": "email"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == "sort"


async def test_history_serves_the_sampled_sizes_and_the_size_now(
    api: httpx.AsyncClient, card_env: CardEnv
) -> None:
    r = await api.post("/cards", json={"name": "Sampled", "rule": RULES["High rollers"]})
    card_id = r.json()["id"]
    keys = card_env.settings.keys
    redis = make_redis(card_env.settings.redis_url)
    await redis.sadd(keys.card(1, card_id), "p1", "p2")
    history = SizeHistory(redis=redis, keys=keys, kind="card")
    await history.record({card_id: 0}, at_ms=2_000)
    await history.record({card_id: 2}, at_ms=3_000)
    await redis.aclose()

    r = await api.get(f"/cards/{card_id}/history")
    assert r.status_code == 200, r.text
    assert r.json() == {"id": card_id, "size": 2, "points": [
        {"at": "1970-01-01T00:00:02Z", "size": 0}, {"at": "1970-01-01T00:00:03Z", "size": 2},
    ]}  # fmt: skip
    assert (await api.get("/cards/999999/history")).status_code == 404
