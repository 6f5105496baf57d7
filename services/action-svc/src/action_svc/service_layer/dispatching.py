"""From candidates (action, player, occurrence) to committed dispatches: one atomic script
call per shard, action and reason (dedupe, guards, rendering, outbox, log, counts)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from action_svc.adapters.dispatch_store import DispatchStore, Item
from action_svc.domain.idempotency import dispatch_key
from action_svc.service_layer.catalogue import LiveAction


@dataclass(frozen=True, slots=True)
class Candidate:
    """A player an action may send to, for one occurrence (event, run or scheduled time)."""

    action: LiveAction
    shard: int
    player_id: str
    occurrence: str
    reason: str  # entered | exited | single_send | scheduled
    cause_event_id: str | None = None

    @property
    def key(self) -> str:
        return dispatch_key(self.action.id, self.occurrence, self.player_id)


async def dispatch(
    candidates: Sequence[Candidate], *, store: DispatchStore, now: datetime
) -> Counter[str]:
    """Dispatch each candidate once; returns counts of each outcome (and duplicates)."""
    items = [
        Item(c.shard, c.action.script, c.reason, c.key, c.player_id, c.occurrence, c.cause_event_id)
        for c in candidates
    ]
    return await store.commit(items, now)
