"""Prometheus metrics every service shares: one name per measurement, one module.

Each process has its own registry (prometheus_client's default), so no series carries a
service label: the scrape target says which process it is, and ``playerseg_service_info``
names it. Hot paths count per batch, never per event (see :func:`observe_batch`).
"""

from __future__ import annotations

import asyncio
from collections import Counter as Tally
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, Info
from prometheus_client import generate_latest as _generate_latest
from redis.asyncio import Redis

from segshared.history import set_sizes

#: Sub-second buckets: a batch of thousands takes milliseconds to a second.
_BATCH_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_EVENT_BUCKETS = (1e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.1)
_EXPORT_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)

#: Called before each scrape (e.g. to sample sizes); failures are logged, not raised.
Refresh = Callable[[], Awaitable[None]]

SERVICE_INFO = Info("playerseg_service", "Which service and role this process is")
EVENTS_CONSUMED = Counter(
    "playerseg_events_consumed_total", "Records consumed (and applied) per topic", ["topic"]
)
EVENTS_PRODUCED = Counter(
    "playerseg_events_produced_total", "Records produced (acknowledged) per topic", ["topic"]
)
BATCH_SECONDS = Histogram(
    "playerseg_batch_seconds", "Time to apply one consumed batch", ["topic"],
    buckets=_BATCH_BUCKETS,
)  # fmt: skip
EVENT_SECONDS = Histogram(
    "playerseg_event_seconds",
    "Processing time per event: each batch's time over its records, observed once per batch",
    ["topic"],
    buckets=_EVENT_BUCKETS,
)
CONSUMER_LAG = Gauge(
    "playerseg_consumer_lag",
    "Records on the partition not yet consumed by the group (after its last batch)",
    ["group", "topic", "partition"],
)
DEAD_LETTERS = Counter(
    "playerseg_dead_letters_total", "Records sent to <topic>.dlq, by topic and reason",
    ["topic", "reason"],
)  # fmt: skip
CARD_MEMBERS = Gauge("playerseg_card_members", "Members of each card (sampled)", ["card_id"])
SEGMENT_MEMBERS = Gauge(
    "playerseg_segment_members", "Members of each segment (sampled)", ["segment_id"]
)
DISPATCHES = Counter(
    "playerseg_dispatches_total", "Dispatch outcomes by channel (dispatched, capped, "
    "suppressed, duplicates; for webhooks also delivered, failed, dead_lettered)",
    ["channel", "outcome"],
)  # fmt: skip
EXPORT_SECONDS = Histogram(
    "playerseg_export_seconds", "Duration of an export (job or streamed download)",
    ["mode", "status"], buckets=_EXPORT_BUCKETS,
)  # fmt: skip
EXPORT_ROWS = Counter("playerseg_export_rows_total", "Rows written by exports", ["mode"])
HTTP_REQUESTS = Counter(
    "playerseg_http_requests_total", "HTTP requests by method, route and status",
    ["method", "route", "status"],
)  # fmt: skip
HTTP_SECONDS = Histogram(
    "playerseg_http_request_seconds", "HTTP request duration", ["method", "route"],
    buckets=_BATCH_BUCKETS,
)  # fmt: skip


def identify(service: str, role: str) -> None:
    """Name this process in ``playerseg_service_info`` (once, at start)."""
    SERVICE_INFO.info({"service": service, "role": role})


def observe_batch(topic: str, records: int, seconds: float) -> None:
    """One applied batch of ``topic``: its time, and the per-event share of it."""
    BATCH_SECONDS.labels(topic).observe(seconds)
    if records:
        EVENT_SECONDS.labels(topic).observe(seconds / records)


def count_consumed(per_topic: Mapping[str, int]) -> None:
    for topic, n in per_topic.items():
        EVENTS_CONSUMED.labels(topic).inc(n)


def count_produced(topics: Iterable[str]) -> None:
    """Count one produced record per item of ``topics`` (tallied first: one inc per topic)."""
    for topic, n in Tally(topics).items():
        EVENTS_PRODUCED.labels(topic).inc(n)


def count_dispatches(channel: str, outcomes: Mapping[str, int]) -> None:
    for outcome, n in outcomes.items():
        if n:
            DISPATCHES.labels(channel, outcome).inc(n)


def set_lag(group: str, lags: Mapping[tuple[str, int], int]) -> None:
    """``(topic, partition) -> records behind`` of ``group``."""
    for (topic, partition), lag in lags.items():
        CONSUMER_LAG.labels(group, topic, str(partition)).set(max(lag, 0))


def size_sampler(
    gauge: Gauge, redis: Redis, ids: Callable[[], Sequence[int]],
    shard_key: Callable[[int, int], str], partitions: int,
) -> Refresh:  # fmt: skip
    """A refresh that sets ``gauge`` to each id's size: the sum of its shards' SCARDs, one
    pipelined round trip; ``ids`` (blocking: a database read) runs in a thread. Ids that no
    longer exist drop out."""

    async def sample() -> None:
        sizes = await set_sizes(redis, shard_key, await asyncio.to_thread(ids), partitions)
        gauge.clear()
        for set_id, size in sizes.items():
            gauge.labels(str(set_id)).set(size)

    return sample


def exposition() -> tuple[bytes, str]:
    """The text format of every metric of this process, and its content type."""
    return _generate_latest(), CONTENT_TYPE_LATEST
