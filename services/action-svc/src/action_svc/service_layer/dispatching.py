"""From candidates (action, player, occurrence) to committed dispatches: guards, commands,
then one atomic script call per shard (dedupe, caps, outbox, log, counts)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from action_svc.adapters.dispatch_store import DispatchStore, Prepared
from action_svc.domain.commands import build_command
from action_svc.domain.guards import suppression_reason
from action_svc.domain.idempotency import dispatch_key
from action_svc.service_layer.catalogue import LiveAction
from segshared.contracts.envelope import to_epoch_ms


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


def iso_utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def dispatch(
    candidates: Sequence[Candidate], *, store: DispatchStore, now: datetime
) -> Counter[str]:
    """Dispatch each candidate once; returns counts of each outcome (and duplicates)."""
    if not candidates:
        return Counter()
    fields = tuple(dict.fromkeys(f for c in candidates for f in c.action.fields))
    profiles = await store.profiles([(c.shard, c.player_id) for c in candidates], fields)
    stamp = iso_utc(now)
    items = []
    for c, profile in zip(candidates, profiles, strict=True):
        action = c.action
        key = c.key
        why = suppression_reason(action.spec.channel, profile)
        body = b"" if why else build_command(
            action.template, key=key, player_id=c.player_id, occurrence=c.occurrence,
            reason=c.reason, occurred_at=stamp, values=profile, cause_event_id=c.cause_event_id,
        )  # fmt: skip
        items.append(Prepared(
            shard=c.shard, action_id=action.id, key=key, player_id=c.player_id,
            occurrence=c.occurrence, topic=action.topic, suppressed=why, caps=action.caps,
            body=body,
        ))  # fmt: skip
    return await store.commit(items, to_epoch_ms(now))
