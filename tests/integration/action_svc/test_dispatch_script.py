"""The dispatch script renders and guards exactly as the domain's reference functions say.

``lua/dispatch.lua`` re-implements ``templates.render`` and ``guards.suppression_reason`` next
to the player's profile for speed; these tests run both on the same tricky inputs through a
real Redis and require the same results, and the commands to validate as the contract.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from redis import Redis

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.dispatch_store import DispatchStore
from action_svc.adapters.orm import ActionRow
from action_svc.domain.guards import suppression_reason
from action_svc.domain.model import parse_spec
from action_svc.domain.templates import json_escape, render
from action_svc.service_layer.catalogue import live_action
from action_svc.service_layer.dispatching import Candidate, dispatch
from segshared.contracts.dispatch import DispatchCommand
from segshared.keys import Keys
from segshared.partitioning import partition_for
from segshared.redis_client import make_redis

P = 4
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
TRICKY = ["", "plain", 'quote " and \\ backslash', "line\nbreak\ttab", "ünïcødé ✓ 🎰",
          "{{not a placeholder}}", "</script>", "  spaced  ", "x" * 300]  # fmt: skip
OPT_INS = [None, "", "true", "TRUE", " true ", "1", "false", "False", "0", "no", "maybe"]


@pytest.fixture
async def store(redis_url: str) -> AsyncIterator[tuple[DispatchStore, ActionKeys]]:
    redis = make_redis(redis_url)
    keys = ActionKeys(Keys(f"t{id(redis)}:"))
    yield DispatchStore(redis=redis, keys=keys, dedupe_ttl_s=3600, log_max=1000), keys
    await redis.aclose()


def _action(action_id: int, spec: dict[str, Any]) -> Any:
    parsed = parse_spec(spec)
    row = ActionRow(id=action_id, revision=1, status="active", spec=parsed.model_dump(mode="json"),
                    active_since=NOW, created_at=NOW)  # fmt: skip
    return live_action(row, {})


def _profiles(redis: Redis, keys: ActionKeys, players: dict[str, dict[str, str | None]]) -> None:
    for player, fields in players.items():
        values = {k: v for k, v in fields.items() if v is not None}
        if values:
            redis.hset(keys.keys.player_profile(partition_for(player, P), player), mapping=values)


def _commands(redis: Redis, keys: ActionKeys) -> dict[str, dict[str, Any]]:
    found = {}
    for p in range(P):
        for _, fields in redis.xrange(keys.outbox(p)):
            command = orjson.loads(fields[b"v"])
            DispatchCommand.model_validate(command)  # the contract, every field
            found[command["player_id"]] = command
    return found


def _suppressed(redis: Redis, keys: ActionKeys, action_id: int) -> dict[str, str]:
    found = {}
    for p in range(P):
        for _, f in redis.xrange(keys.log(p, action_id)):
            if f[b"o"] == b"suppressed":
                found[f[b"p"].decode()] = f[b"r"].decode()
    return found


async def test_email_rendering_and_opt_outs_match_the_domain(
    store: tuple[DispatchStore, ActionKeys], sync_redis: Redis
) -> None:
    dispatch_store, keys = store
    subject, body = "Hi {{username|friend}} ({{player_id}})", "{{country}}|{{ email | none }}!"
    action = _action(11, {"name": "e", "target": {"kind": "segment", "id": 1},
                          "type": "single_send", "single_send": {}, "channel": "email",
                          "definition": {"subject": subject, "body": body}})  # fmt: skip
    players: dict[str, dict[str, str | None]] = {}
    for n, opt_in in enumerate(OPT_INS):
        for m, text in enumerate(TRICKY):
            players[f"p{n}-{m}"] = {"email_opt_in": opt_in, "username": text,
                                    "country": TRICKY[-1 - m], "email": text or None}  # fmt: skip
    _profiles(sync_redis, keys, players)
    candidates = [Candidate(action, partition_for(p, P), p, "single", "single_send")
                  for p in players]  # fmt: skip
    counts = await dispatch(candidates, store=dispatch_store, now=NOW)

    commands = _commands(sync_redis, keys)
    suppressed = _suppressed(sync_redis, keys, 11)
    for player, fields in players.items():
        values = {**fields, "player_id": player}
        reason = suppression_reason("email", fields)
        if reason is not None:
            assert suppressed[player] == reason and player not in commands
            continue
        content = commands[player]["content"]
        assert content["subject"] == render(subject, values), player
        assert content["body"] == render(body, values), player
        assert content["variables"] == {k: values.get(k) for k in
                                        ("username", "player_id", "country", "email")}  # fmt: skip
        assert commands[player]["occurred_at"] == "2026-12-03T09:30:00Z"
    assert counts["dispatched"] == len(commands) and counts["suppressed"] == len(suppressed)


async def test_webhook_body_template_escapes_values_as_json(
    store: tuple[DispatchStore, ActionKeys], sync_redis: Redis
) -> None:
    dispatch_store, keys = store
    template = '{"who": "{{username|anon}}", "id": "{{player_id}}", "n": 1}'
    action = _action(12, {"name": "w", "target": {"kind": "card", "id": 2}, "type": "triggered",
                          "trigger": {"on": "exited"}, "channel": "webhook",
                          "definition": {"url": "https://hooks.example.com/x",
                                         "headers": {"X-Team": "crm"},
                                         "body_template": template}})  # fmt: skip
    players = {f"w{m}": {"username": text} for m, text in enumerate(TRICKY)}
    _profiles(sync_redis, keys, players)  # type: ignore[arg-type]
    candidates = [Candidate(action, partition_for(p, P), p, f"ev:{p}", "exited", f"e-{p}")
                  for p in players]  # fmt: skip
    await dispatch(candidates, store=dispatch_store, now=NOW)
    commands = _commands(sync_redis, keys)
    assert set(commands) == set(players)
    for player, fields in players.items():
        request = commands[player]["webhook"]
        expected = render(template, {**fields, "player_id": player}, escape=json_escape)
        assert orjson.loads(request["body"]) == orjson.loads(expected)
        assert request["url"] == "https://hooks.example.com/x"
        assert request["headers"] == {"X-Team": "crm"}
        assert commands[player]["cause_event_id"] == f"e-{player}"
        assert commands[player]["reason"] == "exited"
    # A redelivery of the same candidates changes nothing.
    again = await dispatch(candidates, store=dispatch_store, now=NOW)
    assert again["duplicates"] == len(players) and again["dispatched"] == 0
    assert len(_commands(sync_redis, keys)) == len(players)
