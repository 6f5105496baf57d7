"""Releasing triggers that waited: delayed ones once due, missed ones after a resume."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from redis.asyncio import Redis

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.dispatch_log import DispatchLog
from action_svc.adapters.dispatch_store import DispatchStore
from action_svc.adapters.target_sets import TargetSets
from action_svc.adapters.trigger_store import TriggerStore, Waiting
from action_svc.service_layer.catalogue import Catalogue
from action_svc.service_layer.dispatching import Candidate, dispatch
from action_svc.service_layer.triggered import candidate
from segshared.contracts.envelope import to_epoch_ms

BATCH = 1000


async def _still_qualifying(
    waiting: Sequence[Waiting], catalogue: Catalogue, targets: TargetSets
) -> list[bool]:
    """Whether each trigger still holds: an entry still a member, an exit still out."""
    verdicts = []
    for w in waiting:
        action = catalogue.actions[w.action_id]
        trigger = action.spec.trigger
        if trigger is None or not trigger.only_if_still_member:
            verdicts.append(True)
            continue
        kind, target_id = action.spec.target.kind, action.spec.target.id
        member = (await targets.are_members(kind, target_id, [(w.shard, w.player_id)]))[0]
        verdicts.append(member == (w.reason == "entered"))
    return verdicts


async def _release(
    waiting: Sequence[Waiting], *, catalogue: Catalogue, targets: TargetSets,
    store: DispatchStore, log: DispatchLog, now: datetime,
) -> Counter[str]:  # fmt: skip
    ready: list[Candidate] = []
    for w, holds in zip(waiting, await _still_qualifying(waiting, catalogue, targets),
                        strict=True):  # fmt: skip
        c = candidate(action_of=catalogue, waiting=w)
        if holds:
            ready.append(c)
        else:
            why = "no longer a member" if w.reason == "entered" else "a member again"
            await log.record(shard=w.shard, action_id=w.action_id, key=c.key,
                             player_id=w.player_id, outcome="skipped", reason=why,
                             occurrence=w.occurrence)  # fmt: skip
    return await dispatch(ready, store=store, now=now)


async def release_delayed(
    *, shards: Sequence[int], catalogue: Catalogue, triggers: TriggerStore,
    targets: TargetSets, store: DispatchStore, log: DispatchLog, now: datetime,
) -> Counter[str]:  # fmt: skip
    """Dispatch the delayed triggers that are due in ``shards``."""
    counts: Counter[str] = Counter()
    for shard in shards:
        due = await triggers.due(shard, to_epoch_ms(now), BATCH)
        live = [(m, w) for m, w in due if w.action_id in catalogue.actions]
        paused = [w for _, w in live if not catalogue.actions[w.action_id].active]
        active = [w for _, w in live if catalogue.actions[w.action_id].active]
        await triggers.keep_missed(paused)
        counts += await _release(active, catalogue=catalogue, targets=targets, store=store,
                                 log=log, now=now)  # fmt: skip
        # Forgotten only once dispatched: a crash before this redoes them, deduped.
        await triggers.forget_delayed(shard, [m for m, _ in due])
    return counts


async def release_missed(
    *, shards: Sequence[int], catalogue: Catalogue, triggers: TriggerStore, redis: Redis,
    keys: ActionKeys, targets: TargetSets, store: DispatchStore, log: DispatchLog,
    now: datetime,
) -> Counter[str]:  # fmt: skip
    """After a resume: send what the action missed while paused if the resume asked for it,
    else drop it (it is in the log as "missed" either way)."""
    counts: Counter[str] = Counter()
    pairs = [(s, a.id) for a in catalogue.actions.values() if a.active for s in shards]
    for shard, action_id in await triggers.has_missed(pairs):
        replay = await redis.get(keys.replay_missed(action_id)) == b"1"
        while batch := await triggers.peek_missed(shard, action_id, BATCH):
            if replay:
                counts += await _release(batch, catalogue=catalogue, targets=targets,
                                         store=store, log=log, now=now)  # fmt: skip
            await triggers.drop_missed(shard, action_id, len(batch))
    return counts
