"""Definition lifecycle: when a segment or card is deleted, the actions on it stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session, sessionmaker

from action_svc.adapters.repository import ActionRepository
from segshared import correlation

log = logging.getLogger(__name__)

_DELETED = {"segment_deleted": ("segment", "segment_id"), "card_deleted": ("card", "card_id")}


def deleted_targets(values: Sequence[bytes | None]) -> list[tuple[str, int]]:
    """The (kind, id) of every deletion among lifecycle event bodies; others are ignored."""
    found = []
    for raw in values:
        try:
            doc = orjson.loads(raw or b"")
            kind, id_field = _DELETED[doc["type"]]
            found.append((kind, int(doc[id_field])))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            continue  # not a deletion (or not ours to judge: the producer's DLQ covers it)
    return found


async def stop_actions_of_deleted(
    records: Sequence[Any], *, session_factory: sessionmaker[Session], now: datetime
) -> int:
    """Stop the live actions of every target deleted in ``records``; returns how many."""
    targets = []
    for record in records:
        for kind, target_id in deleted_targets([record.value]):
            targets.append((kind, target_id))
            # Followed from the request that deleted it (the record's correlation header).
            with correlation.bound(correlation.of_record(record)):
                log.info("%s %s was deleted: its actions stop", kind, target_id)
    if not targets:
        return 0

    def stop() -> int:
        with session_factory() as session, session.begin():
            repo = ActionRepository(session)
            return sum(
                repo.stop_for_target(kind, target_id, f"{kind} {target_id} was deleted", now)
                for kind, target_id in targets
            )

    stopped = await asyncio.to_thread(stop)
    if stopped:
        log.info("stopped %d action(s) of deleted %s", stopped, targets)
    return stopped
