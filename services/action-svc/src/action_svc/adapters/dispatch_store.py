"""Dispatch in Redis: one script call (``lua/dispatch.lua``) per shard, action and reason
that dedupes, guards, renders, enqueues on the outbox, logs and counts a batch of players."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from redis.asyncio import Redis

from action_svc.adapters.action_keys import ActionKeys
from action_svc.domain.commands import CommandLayout
from action_svc.domain.templates import Placeholder
from segshared import metrics
from segshared.contracts.envelope import to_epoch_ms
from segshared.redis_client import load_script

#: Items per script call: bounds how long one call holds Redis.
CHUNK = 1000
OUTCOMES = ("dispatched", "capped", "suppressed", "duplicates")

Arg = str | bytes | int


@dataclass(frozen=True, slots=True)
class ScriptAction:
    """What the dispatch script needs of an action, packed once per catalogue refresh."""

    id: int
    channel: str
    topic: str
    opt_in_field: str
    caps: str  # "scope,max,window_ms;..."
    head: str
    layout_args: tuple[Arg, ...]


def script_action(
    *, action_id: int, channel: str, topic: str, opt_in_field: str | None, caps: str,
    layout: CommandLayout,
) -> ScriptAction:  # fmt: skip
    args: list[Arg] = [layout.open_part]
    args += [len(layout.fields), *layout.fields, len(layout.texts)]
    for text in layout.texts:
        args += [text.name, "j" if text.json_escape else "", len(text.parts)]
        for part in text.parts:
            if isinstance(part, Placeholder):
                args += ["f", part.name, part.fallback or ""]
            else:
                args += ["l", part, ""]
    args.append("1" if layout.with_variables else "0")
    return ScriptAction(action_id, channel, topic, opt_in_field or "", caps, layout.head,
                        tuple(args))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Item:
    """One (action, player, occurrence) to dispatch."""

    shard: int
    action: ScriptAction
    reason: str  # entered | exited | single_send | scheduled
    key: str
    player_id: str
    occurrence: str
    cause_event_id: str | None = None


class DispatchStore:
    def __init__(self, *, redis: Redis, keys: ActionKeys, dedupe_ttl_s: int, log_max: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl_ms = dedupe_ttl_s * 1000
        self._log_max = log_max
        self._script = load_script(redis, "action_svc.adapters", "lua/dispatch.lua")

    async def commit(self, items: Sequence[Item], now: datetime) -> Counter[str]:
        """Commit every item; returns counts of dispatched, capped, suppressed, duplicates."""
        groups: dict[tuple[int, int, str], list[Item]] = defaultdict(list)
        for item in items:
            groups[(item.shard, item.action.id, item.reason)].append(item)
        if not groups:
            return Counter()
        now_ms = to_epoch_ms(now)
        now_iso = now.isoformat().replace("+00:00", "Z")
        pipe = self._redis.pipeline(transaction=False)
        channels: list[str] = []  # of each script call, for the outcome metrics
        for (shard, _, reason), group in groups.items():
            head = self._head(shard, group[0].action, reason, now_ms, now_iso)
            for start in range(0, len(group), CHUNK):
                channels.append(group[0].action.channel)
                items_json = orjson.dumps([
                    (it.key, it.player_id, it.occurrence, it.cause_event_id or "")
                    for it in group[start : start + CHUNK]
                ])  # fmt: skip
                args = [*head, items_json]
                await self._script(keys=[self._keys.outbox(shard)], args=args, client=pipe)
        totals: Counter[str] = Counter()
        for channel, reply in zip(channels, await pipe.execute(), strict=True):
            outcomes = dict(zip(OUTCOMES, (int(n) for n in reply), strict=True))
            metrics.count_dispatches(channel, outcomes)
            totals.update(outcomes)
        return totals

    def _head(
        self, shard: int, action: ScriptAction, reason: str, now_ms: int, now_iso: str
    ) -> list[Arg]:
        k = self._keys
        head = action.head + ',"reason":' + orjson.dumps(reason).decode()
        return [
            now_ms, now_iso, self._ttl_ms, self._log_max, k.seen(shard, action.id),
            k.log(shard, action.id), k.stats(shard, action.id), k.cap_prefix(shard),
            k.keys.player_profile(shard, ""), action.topic, action.channel,
            action.opt_in_field, action.caps, head, *action.layout_args,
        ]  # fmt: skip
