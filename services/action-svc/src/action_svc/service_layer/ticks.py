"""The worker's clock-driven work, once per tick: reload the actions, plan and send the due
sends of its shards, and release delayed and missed triggers.

``tick(now)`` takes the time as an argument, so tests drive schedules with a clock of their
own; ``run_forever`` uses the wall clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.dispatch_log import DispatchLog
from action_svc.adapters.dispatch_store import DispatchStore
from action_svc.adapters.orm import RunRow
from action_svc.adapters.repository import ActionRepository
from action_svc.adapters.target_sets import TargetSets
from action_svc.adapters.trigger_store import TriggerStore
from action_svc.service_layer.catalogue import Catalogue, CatalogueCache
from action_svc.service_layer.limits import Limiters
from action_svc.service_layer.sends import finish_runs, plan_runs, send_shard
from action_svc.service_layer.waiting import release_delayed, release_missed
from action_svc.settings import ActionSettings
from segshared.retry import raise_if_cancelling

log = logging.getLogger(__name__)


@dataclass
class Ticker:
    settings: ActionSettings
    session_factory: sessionmaker[Session]
    redis: Redis
    keys: ActionKeys
    cache: CatalogueCache
    store: DispatchStore
    log: DispatchLog
    triggers: TriggerStore
    targets: TargetSets
    limiters: Limiters
    shards: Callable[[], list[int]]

    async def tick(
        self, now: datetime, *, clock: Callable[[], datetime] | None = None
    ) -> Counter[str]:
        """One round at time ``now``; ``clock`` stamps dispatches (default: ``now``)."""
        catalogue = await self.cache.refresh()
        await self._announce(catalogue)
        self.limiters.configure(catalogue.rate_limits)
        shards = self.shards()
        counts: Counter[str] = Counter()
        counts["runs_planned"] += await plan_runs(session_factory=self.session_factory,
                                                  catalogue=catalogue, now=now)  # fmt: skip
        counts += await self._send(catalogue, shards, now, clock or (lambda: now))
        common = dict(catalogue=catalogue, triggers=self.triggers, targets=self.targets,
                      store=self.store, log=self.log, now=now)  # fmt: skip
        counts += await release_delayed(shards=shards, **common)  # type: ignore[arg-type]
        counts += await release_missed(shards=shards, redis=self.redis, keys=self.keys,
                                       **common)  # type: ignore[arg-type]  # fmt: skip
        return counts

    async def _announce(self, catalogue: Catalogue) -> None:
        """Tell tests and operators which action revisions the workers have loaded."""
        if catalogue.actions:
            loaded: dict[Any, Any] = {
                str(a.id): f"{a.revision}:{a.status}" for a in catalogue.actions.values()
            }
            await self.redis.hset(self.keys.catalogue_seen(), mapping=loaded)

    async def _send(
        self, catalogue: Catalogue, shards: list[int], now: datetime,
        clock: Callable[[], datetime],
    ) -> Counter[str]:  # fmt: skip
        def open_runs() -> list[RunRow]:
            with self.session_factory() as session, session.begin():
                runs = ActionRepository(session).open_runs()
                for run in runs:
                    if run.status == "pending" and run.action_id in catalogue.actions:
                        run.status, run.started_at = "running", now
                return runs

        runs = await asyncio.to_thread(open_runs)
        counts: Counter[str] = Counter()
        for run in runs:
            action = catalogue.actions.get(run.action_id)
            if action is None or not action.active:
                continue  # paused: resumes where it stopped; deleted: cancelled elsewhere
            # Shards in parallel: while Redis runs one shard's script, the worker prepares
            # the next chunk of another, so neither waits on the other.
            sent = await asyncio.gather(*(
                send_shard(
                    run=run, action=action, shard=shard, targets=self.targets, store=self.store,
                    chunk=self.settings.send_chunk, limiters=self.limiters, now=clock,
                    keep_going=partial(self._still_active, run.action_id),
                ) for shard in shards
            ))  # fmt: skip
            for shard_counts in sent:
                counts += shard_counts
        counts["runs_finished"] += await finish_runs(
            session_factory=self.session_factory, targets=self.targets, runs=runs,
            partitions=self.settings.partitions, now=now,
        )  # fmt: skip
        return counts

    async def _still_active(self, action_id: int) -> bool:
        """Whether a send may go on: its action is still live and active (the catalogue is
        reloaded at most every ``max_age_s``, so a pause or a deletion stops a send within it)."""
        action = (await self.cache.get()).actions.get(action_id)
        return action is not None and action.active

    async def run_forever(self) -> None:
        """Tick every ``tick_interval_s``, and at once when the API announces a change (a new
        single send should not wait for the next tick)."""
        wake = self.redis.pubsub(ignore_subscribe_messages=True)
        await wake.subscribe(self.keys.wake_channel())
        try:
            while True:
                try:
                    counts = await self.tick(datetime.now(tz=UTC),
                                             clock=lambda: datetime.now(tz=UTC))  # fmt: skip
                    if counts:
                        log.debug("tick: %s", dict(counts))
                    await wake.get_message(timeout=self.settings.tick_interval_s)
                except Exception:  # keep ticking: the database or Redis may come back
                    raise_if_cancelling()
                    log.exception("action tick failed; retrying")
                    await asyncio.sleep(self.settings.tick_interval_s)
        finally:
            await wake.aclose()
