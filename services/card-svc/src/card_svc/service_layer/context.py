"""What the worker's use cases share: adapters, the catalog and the one lock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from card_svc.adapters.state_store import StateStore
from card_svc.service_layer.catalog import Catalog
from card_svc.service_layer.planning import Retention
from segshared.dlq import DeadLetters


@dataclass
class WorkerContext:
    """Adapters and state of one worker process.

    ``lock`` serialises the agent's batches, the clock task and backfills, so two of them
    never load, evaluate and write the same player at once.
    """

    store: StateStore
    dead_letters: DeadLetters
    partitions: int
    retention: Retention
    catalog: Catalog = field(default_factory=Catalog)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    backfill_chunk: int = 500
