"""card-svc end to end on real data: API -> worker -> Redis sets and card.membership events,
checked against the independent oracle (tests/oracle)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest
from card_svc_it import changes, player_event, publish, publish_raw, read_topic, wait_until
from redis.asyncio import Redis

from playerseg.demo.catalog import CARDS
from segshared.redis_client import make_redis
from segshared.topics import CARD_MEMBERSHIP, PLAYER_EVENTS, dlq
from tests.integration.card_svc.conftest import PARTITIONS, CardEnv
from tests.oracle.bets_oracle import card_members, clock, load_bets, player_figures

RULE_CARDS = [
    "High rollers",
    "Frequent players",
    "Net losers",
    "Active in the last 24 hours",
    "Weekly whales",
    "Risk takers",
]
ROWS = 3000


def bet_records(rows: list[Any]) -> list[tuple[str, bytes]]:
    out = []
    for r in rows:
        won = r.profit is not None
        settle: dict[str, Any] = {
            "bet_id": str(r.bet_id),
            "outcome": "won" if won else "lost",
            "amount": r.profit if won else r.bet,
            "stake": r.bet,
        }
        if won:
            settle["multiplier"] = r.cashed_out
            if r.bonus is not None:
                settle["bonus"] = r.bonus_paid
        out.append(player_event(f"bet:{r.bet_id}:placed", "bet_placed", r.player_id,
                                r.played_at, bet_id=str(r.bet_id), amount=r.bet))  # fmt: skip
        out.append(player_event(f"bet:{r.bet_id}:settled", "bet_settled", r.player_id,
                                r.played_at, **settle))  # fmt: skip
    return out


async def members(redis: Redis, env: CardEnv, card_id: int) -> set[str]:
    keys = env.settings.keys
    out: set[str] = set()
    for p in range(PARTITIONS):
        out |= {m.decode() for m in await redis.smembers(keys.card(p, card_id))}
    return out


async def all_ready(api: httpx.AsyncClient) -> bool:
    page = (await api.get("/cards")).json()
    return bool(page["items"]) and all(c["ready"] for c in page["items"])


def replay_changes(events: list[dict[str, Any]]) -> dict[int, set[str]]:
    sets: dict[int, set[str]] = defaultdict(set)
    for e in events:
        (sets[e["card_id"]].add if e["change"] == "entered" else sets[e["card_id"]].discard)(
            e["player_id"]
        )
    return sets


@pytest.mark.timeout(600)
async def test_cards_follow_events_clock_edits_and_deletes(
    card_env: CardEnv, api: httpx.AsyncClient
) -> None:
    env, bootstrap = card_env, card_env.settings.kafka_bootstrap
    redis = make_redis(env.settings.redis_url)
    rows = load_bets()[:ROWS]
    rules = {name: rule for name, _, rule in CARDS}
    ids: dict[str, int] = {}
    for name in RULE_CARDS:
        r = await api.post("/cards", json={"name": name, "rule": rules[name]})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    vip_list = [rows[0].player_id, rows[1].player_id, "ghost1"]
    r = await api.post(
        "/cards/upload",
        data={"name": "VIP", "description": "listed"},
        files={"file": ("vip.csv", "player_id\n" + "\n".join(vip_list), "text/csv")},
    )
    assert r.status_code == 201, r.text
    ids["VIP"] = r.json()["id"]

    env.start("card_svc.entrypoints.worker")
    await wait_until(lambda: all_ready(api), timeout_s=90, what="cards ready")
    # Backfill of the static card: the unseen listed player exists now.
    assert await members(redis, env, ids["VIP"]) == set(vip_list)

    # 1. Real bets drive the rule cards to the oracle's memberships.
    sent = publish(bootstrap, bet_records(rows), partitions=PARTITIONS)
    expected = card_members(rows)

    async def matches(exp: dict[str, set[str]]) -> bool:
        return all([await members(redis, env, ids[n]) == exp[n] for n in RULE_CARDS])

    await wait_until(lambda: matches(expected), timeout_s=120, what="oracle memberships")
    await wait_until(lambda: _pending_zero(api), timeout_s=30, what="outbox relayed")
    emitted = changes(bootstrap, CARD_MEMBERSHIP)
    assert len({e["event_id"] for e in emitted}) == len(emitted)
    folded = replay_changes(emitted)
    for name in RULE_CARDS:
        assert folded[ids[name]] == expected[name], name
    last_cards = {e["player_id"]: set(e["cards"]) for e in emitted}
    for player, cards in list(last_cards.items())[:200]:
        assert cards == {i for i, s in folded.items() if player in s}

    # 2. Redelivered events change nothing and emit nothing.
    publish(bootstrap, bet_records(rows), partitions=PARTITIONS)

    async def duplicates_seen() -> bool:
        stats = (await api.get("/stats")).json()
        return bool(stats["events"].get("duplicate", 0) >= sent)

    await wait_until(duplicates_seen, timeout_s=120, what="duplicates counted")
    assert await matches(expected)
    assert len(changes(bootstrap, CARD_MEMBERSHIP)) == len(emitted)

    # 3. Bad records go to the dead-letter topic with their reason; later events still apply.
    now = clock(rows)
    publish_raw(bootstrap, key=b"x", value=b"{not json", partition=0)
    _, unknown = player_event("u:1", "player_teleported", "zed", now)
    publish_raw(bootstrap, key=b"zed", value=unknown, partition=0)
    future = orjson.loads(player_event("v:2", "player_logged_in", "zed", now)[1])
    future["version"] = 2
    publish_raw(bootstrap, key=b"zed", value=orjson.dumps(future), partition=0)
    publish(bootstrap, [player_event("login:late1", "player_logged_in", "late1", now,
                                     channel="web")], partitions=PARTITIONS)  # fmt: skip

    async def late1_known() -> bool:
        from segshared.partitioning import partition_for

        key = env.settings.keys.player_profile(partition_for("late1", PARTITIONS), "late1")
        return await redis.hget(key, "logins_count") == b"1"

    await wait_until(late1_known, timeout_s=60, what="event after dead letters applied")
    reasons = [orjson.loads(v)["reason"] for _, _, v in read_topic(bootstrap, dlq(PLAYER_EVENTS))]
    assert sorted(reasons) == ["malformed_json", "unknown_type", "unsupported_version"]
    stats = (await api.get("/stats")).json()
    assert sum(stats["dead_letters"].values()) == 3

    # 4. The clock passes: players leave window cards with no event of their own.
    later = now + timedelta(hours=25)
    publish(bootstrap, [player_event("login:x", "player_logged_in", "clockmover", later)],
            partitions=PARTITIONS)  # fmt: skip
    expected_later = card_members(rows, clock=later)
    assert expected_later["Active in the last 24 hours"] == set()
    await wait_until(lambda: matches(expected_later), timeout_s=60, what="clock exits")
    await wait_until(lambda: _pending_zero(api), timeout_s=30, what="outbox relayed")
    last_active_change = {
        e["player_id"]: e
        for e in changes(bootstrap, CARD_MEMBERSHIP)
        if e["card_id"] == ids["Active in the last 24 hours"]
    }
    for player in expected["Active in the last 24 hours"]:
        e = last_active_change[player]
        assert (e["change"], e["cause"]) == ("exited", "clock"), e

    # 5. Editing a rule backfills it.
    high = ids["High rollers"]
    new_rule = {"metric": {"fn": "max", "event": "bet_placed", "property": "amount"},
                "op": "gte", "value": 5000}  # fmt: skip
    r = await api.put(f"/cards/{high}", json={"rule": new_rule})
    assert r.status_code == 200 and r.json()["revision"] == 2
    figures = player_figures(rows)
    want = {p for p, f in figures.items() if f.biggest_bet >= 5000}
    await wait_until(lambda: _equals(redis, env, high, want), timeout_s=60, what="edit backfill")
    await wait_until(lambda: all_ready(api), timeout_s=30, what="ready after edit")
    assert (await api.get(f"/cards/{high}")).json()["count"] == len(want)

    # 6. A new list for the static card.
    r = await api.put(
        f"/cards/{ids['VIP']}/members",
        files={"file": ("vip.csv", "late1\nghost2\n", "text/csv")},
    )
    assert r.status_code == 200, r.text
    await wait_until(
        lambda: _equals(redis, env, ids["VIP"], {"late1", "ghost2"}), timeout_s=60, what="upload"
    )

    # 7. Deleting: segment-svc unreachable -> 503; forced -> members exit, sets go.
    r = await api.delete(f"/cards/{high}")
    assert r.status_code == 503 and "segment-svc" in r.json()["detail"]
    assert (await api.delete(f"/cards/{high}?force=true")).status_code == 204
    await wait_until(lambda: _equals(redis, env, high, set()), timeout_s=60, what="delete")
    await wait_until(lambda: _pending_zero(api), timeout_s=30, what="outbox relayed")
    exits = {e["player_id"] for e in changes(bootstrap, CARD_MEMBERSHIP)
             if e["card_id"] == high and e["cause"] == "delete"}  # fmt: skip
    assert exits == want
    await redis.aclose()


async def _equals(redis: Redis, env: CardEnv, card_id: int, want: set[str]) -> bool:
    return await members(redis, env, card_id) == want


async def _pending_zero(api: httpx.AsyncClient) -> bool:
    return bool((await api.get("/stats")).json()["outbox_pending"] == 0)
