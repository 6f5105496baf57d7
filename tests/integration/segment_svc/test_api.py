"""The HTTP API against real PostgreSQL, Redis and broker (card catalogue: a local stub)."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from redis import Redis

from segshared.history import SizeHistory
from segshared.redis_client import make_redis
from segshared.topics import SEGMENT_LIFECYCLE
from tests.integration.segment_svc.conftest import PARTITIONS, Api, CardCatalogueStub
from tests.integration.segment_svc.support import read_topic


def _name(base: str) -> str:
    return f"{base} {uuid.uuid4().hex[:6]}"


async def test_crud_clone_and_lifecycle(api: Api, card_catalogue: CardCatalogueStub) -> None:
    card_catalogue.known |= {1, 2, 3}
    base = await api.create(_name("Base"), {"and": [{"card": 1}, {"card": 2}]}, description="d")
    assert (base["revision"], base["count"], base["ready"], base["cloned_from"]) == (
        1,
        0,
        False,
        None,
    )
    assert base["include"] == {"and": [{"card": 1}, {"card": 2}]} and base["exclude"] is None
    top = await api.create(_name("Top"), {"segment": base["id"]}, {"card": 3})

    got = (await api.client.get(f"/segments/{top['id']}")).json()
    assert got["exclude"] == {"card": 3} and got["name"] == top["name"]

    # partial edit: a name change bumps the revision, exclude null removes the block
    edited = await api.client.put(f"/segments/{top['id']}", json={"exclude": None})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["exclude"], edited.json()["revision"]) == (None, 2)
    renamed = await api.client.put(
        f"/segments/{top['id']}", json={"name": "Renamed " + top["name"]}
    )
    assert renamed.json()["revision"] == 3 and renamed.json()["include"] == {"segment": base["id"]}

    clone = await api.client.post(f"/segments/{base['id']}/clone")
    assert clone.status_code == 201, clone.text
    assert clone.json()["name"] == base["name"] + " (copy)"
    assert clone.json()["cloned_from"] == base["id"] and clone.json()["revision"] == 1
    clone2 = await api.client.post(f"/segments/{base['id']}/clone", json={})
    assert clone2.json()["name"] == base["name"] + " (copy 2)"
    named = await api.client.post(f"/segments/{base['id']}/clone", json={"name": top["name"]})
    assert named.status_code == 201  # the rename freed top's old name
    taken = await api.client.post(f"/segments/{base['id']}/clone", json={"name": base["name"]})
    assert taken.status_code == 409 and base["name"] in taken.json()["detail"]

    listing = (await api.client.get("/segments", params={"card_id": 1})).json()
    clones = {clone.json()["id"], clone2.json()["id"], named.json()["id"]}
    assert {s["id"] for s in listing["items"]} == {base["id"], *clones}
    assert listing["total"] == 4
    page = (await api.client.get("/segments", params={"limit": 2, "offset": 1})).json()
    assert page["total"] >= 4 and len(page["items"]) == 2
    found = (await api.client.get("/segments", params={"q": "renamed"})).json()
    assert [s["id"] for s in found["items"]] == [top["id"]]

    blocked = await api.client.delete(f"/segments/{base['id']}")
    assert blocked.status_code == 409
    assert str(top["id"]) in blocked.json()["detail"]
    assert blocked.json()["conflicts"] == [{"id": top["id"], "name": renamed.json()["name"]}]
    assert (await api.client.delete(f"/segments/{top['id']}")).status_code == 204
    assert (await api.client.delete(f"/segments/{base['id']}")).status_code == 204
    assert (await api.client.get(f"/segments/{base['id']}")).status_code == 404

    mine = {base["name"], top["name"], renamed.json()["name"], clone.json()["name"],
            clone2.json()["name"]}  # fmt: skip

    def done(records: list[Any]) -> bool:
        return sum(orjson.loads(r.value)["name"] in mine for r in records) >= 9

    records = read_topic(api.settings.kafka_bootstrap, SEGMENT_LIFECYCLE,
                         partitions=PARTITIONS, until=done)  # fmt: skip
    events = [orjson.loads(r.value) for r in records]
    kinds = [(e["type"], e["segment_id"], e["revision"]) for e in events if e["name"] in mine]
    # one key per segment, so each segment's events are in order; across keys they need not be
    assert sorted(kinds) == sorted([
        ("segment_created", base["id"], 1),
        ("segment_created", top["id"], 1),
        ("segment_updated", top["id"], 2),
        ("segment_updated", top["id"], 3),
        ("segment_cloned", clone.json()["id"], 1),
        ("segment_cloned", clone2.json()["id"], 1),
        ("segment_cloned", named.json()["id"], 1),
        ("segment_deleted", top["id"], 3),
        ("segment_deleted", base["id"], 1),
    ])  # fmt: skip
    top_events = [k for k in kinds if k[1] == top["id"]]
    assert [k[2] for k in top_events] == [1, 2, 3, 3]
    for record in records:
        event = orjson.loads(record.value)
        if event["name"] in mine:
            assert record.key == str(event["segment_id"]).encode()


async def test_invalid_definitions_are_422_naming_the_node(
    api: Api, card_catalogue: CardCatalogueStub
) -> None:
    card_catalogue.known |= {1, 2}
    post = api.client.post

    bad = await post("/segments", json={"name": _name("x"), "include": {"card": "one"}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == "include.card"

    unknown = await post("/segments", json={"name": _name("x"),
                                            "include": {"or": [{"card": 1}, {"card": 8}]},
                                            "exclude": {"card": 9}})  # fmt: skip
    assert unknown.status_code == 422
    assert [(e["loc"], e["msg"]) for e in unknown.json()["errors"]] == [
        ("include.or[1]", "card 8 does not exist"),
        ("exclude", "card 9 does not exist"),
    ]
    missing_seg = await post("/segments", json={"name": _name("x"), "include": {"segment": 77}})
    assert missing_seg.status_code == 422
    assert missing_seg.json()["errors"][0]["msg"] == "segment 77 does not exist"

    deep: dict[str, Any] = {"card": 1}
    for _ in range(9):
        deep = {"and": [deep]}
    too_deep = await post("/segments", json={"name": _name("x"), "include": deep})
    assert too_deep.status_code == 422 and "levels" in too_deep.json()["detail"]
    many = {"or": [{"card": 1}] * 250}
    assert (await post("/segments", json={"name": _name("x"), "include": many})).status_code == 422

    a = await api.create(_name("A"), {"card": 1})
    b = await api.create(_name("B"), {"segment": a["id"]})
    cycle = await api.client.put(f"/segments/{a['id']}", json={"include": {"segment": b["id"]}})
    assert cycle.status_code == 422
    assert (
        cycle.json()["errors"][0]["msg"]
        == f"segment {a['id']} -> {b['id']} -> {a['id']} is a cycle"
    )
    itself = await api.client.put(f"/segments/{a['id']}", json={"include": {"segment": a["id"]}})
    assert itself.status_code == 422

    dup = await post("/segments", json={"name": a["name"], "include": {"card": 2}})
    assert dup.status_code == 409
    assert (await post("/segments", json={"name": "  ", "include": {"card": 1}})).status_code == 422
    assert (await api.client.get("/segments/9999")).status_code == 404
    cols = await api.client.get(f"/segments/{a['id']}/members", params={"columns": "shoe"})
    assert cols.status_code == 422 and cols.json()["errors"][0]["loc"] == "columns[0]"


async def test_card_svc_unreachable_is_503(api: Api) -> None:
    api.client._transport.app.state.services.ctx.cards._base_url = "http://127.0.0.1:9"  # type: ignore[attr-defined]
    response = await api.client.post("/segments", json={"name": _name("x"), "include": {"card": 1}})
    assert response.status_code == 503 and "card-svc" in response.json()["detail"]


async def test_execute_equals_set_algebra_in_python(
    api: Api, card_catalogue: CardCatalogueStub, sync_redis: Redis
) -> None:
    import random

    from segshared.fields import encode_field_value, field_spec
    from segshared.partitioning import partition_for
    from tests.integration.segment_svc.support import members_of, seed_cards

    rng = random.Random(3)
    keys = api.settings.keys
    players = [str(100000 + i) for i in range(2000)]
    cards = {c: {p for p in players if rng.random() < 0.3} for c in (1, 2, 3, 4)}
    card_catalogue.known |= set(cards)
    seed_cards(sync_redis, keys, PARTITIONS, cards)
    spec = field_spec("total_wagered")
    assert spec is not None
    wagered = {p: float(rng.randint(0, 500)) for p in players}
    pipe = sync_redis.pipeline(transaction=False)
    for p, amount in wagered.items():
        pipe.hset(
            keys.player_profile(partition_for(p, PARTITIONS), p),
            "total_wagered",
            encode_field_value(spec, amount),
        )
    pipe.execute()

    include = {"and": [{"card": 1}, {"or": [{"card": 2}, {"card": 3}]}]}
    exclude = {"card": 4}
    expected = members_of(include, cards, {}) - members_of(exclude, cards, {})
    response = await api.client.post("/segments/execute", json={
        "include": include, "exclude": exclude, "columns": ["player_id", "total_wagered"],
        "sort": "total_wagered", "order": "desc", "limit": 20})  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(expected)
    top = sorted(expected, key=lambda p: (-wagered[p], int(p)))[:20]
    assert [r["player_id"] for r in body["items"]] == top
    assert [r["total_wagered"] for r in body["items"]] == [wagered[p] for p in top]

    # a saved segment (not built: no worker here) reads as empty in execute
    saved = await api.create(_name("S"), {"card": 1})
    ref = await api.client.post("/segments/execute", json={"include": {"or": [
        {"segment": saved["id"]}, {"card": 2}]}, "limit": 1000})  # fmt: skip
    assert ref.json()["count"] == len(cards[2])
    leftovers = [k for k in sync_redis.scan_iter(match=f"{keys.prefix}tmp:*")]
    assert leftovers == []


async def test_history_serves_the_sampled_sizes_and_the_size_now(
    api: Api, card_catalogue: CardCatalogueStub, sync_redis: Redis
) -> None:
    card_catalogue.known |= {1}
    segment = await api.create(f"history-{uuid.uuid4().hex[:6]}", {"card": 1})
    keys = api.settings.keys
    sync_redis.sadd(keys.segment(0, segment["id"]), "a", "b")
    sync_redis.sadd(keys.segment(PARTITIONS - 1, segment["id"]), "c")
    redis = make_redis(api.settings.redis_url)
    history = SizeHistory(redis=redis, keys=keys, kind="segment")
    await history.record({segment["id"]: 1}, at_ms=1_000)
    await history.record({segment["id"]: 3}, at_ms=5_000)
    await redis.aclose()

    response = await api.client.get(f"/segments/{segment['id']}/history")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": segment["id"],
        "size": 3,
        "points": [
            {"at": "1970-01-01T00:00:01Z", "size": 1},
            {"at": "1970-01-01T00:00:05Z", "size": 3},
        ],
    }
    missing = await api.client.get("/segments/999999/history")
    assert missing.status_code == 404
