"""card-svc's audit log: create, edit, upload and delete of cards, with the key's name and the
changed fields; anonymized fields unmasked only for a key with the pii scope."""

from __future__ import annotations

import httpx
from redis import Redis

from playerseg.demo.catalog import CARDS
from segshared.fields import encode_field_value, field_spec
from segshared.partitioning import partition_for
from tests.integration.card_svc.conftest import CardEnv
from tests.support.auth import key_headers_async

RULES = {name: rule for name, _, rule in CARDS}


async def test_card_changes_are_logged(card_env: CardEnv, api: httpx.AsyncClient) -> None:
    made = await api.post("/cards", json={"name": "Audited card", "rule": RULES["High rollers"]})
    card = made.json()["id"]
    assert (await api.put(f"/cards/{card}", json={"rule": RULES["Net losers"]})).status_code == 200
    up = await api.post("/cards/upload", data={"name": "Audited list"},
                        files={"file": ("l.csv", "player_id\n1\n2\n", "text/csv")})  # fmt: skip
    listed = up.json()["id"]
    # No segment-svc to ask which segments use it: forced.
    assert (await api.delete(f"/cards/{card}", params={"force": "true"})).status_code == 204

    everything = (await api.get("/audit", params={"entity_kind": "card"})).json()["items"]
    # The database is shared with other tests: only this test's cards.
    log = [e for e in everything if e["entity_id"] in {str(card), str(listed)}]
    assert [(e["entity_id"], e["operation"], e["request"], e["key_name"]) for e in log] == [
        (str(card), "delete", "DELETE /cards/{card_id}", "tests"),
        (str(listed), "create", "POST /cards/upload", "tests"),
        (str(card), "update", "PUT /cards/{card_id}", "tests"),
        (str(card), "create", "POST /cards", "tests"),
    ]
    edit = log[2]["changes"]
    assert edit["rule"] == {"before": RULES["High rollers"], "after": RULES["Net losers"]}
    assert edit["revision"] == {"before": 1, "after": 2}
    assert log[0]["changes"]["name"] == {"before": "Audited card", "after": None}


async def test_the_pii_scope_unmasks_anonymized_fields(
    card_env: CardEnv, api: httpx.AsyncClient
) -> None:
    emails = {str(310000 + i): f"a{i}@example.org" for i in range(5)}
    listing = "player_id\n" + "\n".join(emails)
    up = await api.post("/cards/upload", data={"name": "PII list"},
                        files={"file": ("l.csv", listing, "text/csv")})  # fmt: skip
    card = up.json()["id"]
    settings = card_env.settings
    sync, spec = Redis.from_url(settings.redis_url), field_spec("email")
    assert spec is not None
    for player, email in emails.items():
        p = partition_for(player, settings.partitions)
        sync.sadd(settings.keys.card(p, card), player)
        sync.hset(settings.keys.player_profile(p, player), "email", encode_field_value(spec, email))
    sync.close()
    params = {"columns": "email", "limit": 100}
    masked = (await api.get(f"/cards/{card}/members", params=params)).json()["items"]
    assert {i["email"] for i in masked} == {"***"}, "admin alone does not unmask"
    pii = await key_headers_async(settings.redis_url, settings.key_prefix, "read", "pii")
    shown = (await api.get(f"/cards/{card}/members", params=params, headers=pii)).json()["items"]
    assert {i["player_id"]: i["email"] for i in shown} == emails
