"""Waits until the pipeline has nothing left to do: no consumer lag, no pending outbox entry."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import redis
from kafka import TopicPartition

from playerseg.devstack.offsets import OffsetReader


class IdleTimeout(TimeoutError):
    """The pipeline was still busy when the wait ran out."""


@dataclass
class Snapshot:
    """What is left to do at one instant."""

    ends: dict[TopicPartition, int] = field(default_factory=dict)
    lag: dict[str, dict[str, int]] = field(default_factory=dict)  # group -> topic -> records
    unconsumed: dict[str, int] = field(default_factory=dict)  # must_consume topic -> records
    outbox: dict[str, int] = field(default_factory=dict)  # stream key -> entries
    other: dict[str, int] = field(default_factory=dict)  # caller's ``busy`` counts -> items

    @property
    def idle(self) -> bool:
        busy_groups = any(n for topics in self.lag.values() for n in topics.values())
        return (
            not busy_groups
            and not any(self.unconsumed.values())
            and not any(self.outbox.values())
            and not any(self.other.values())
        )

    def describe(self) -> str:
        """What is still busy, in one line."""
        parts = [
            f"group {g} lags {n} on {t}"
            for g, topics in sorted(self.lag.items())
            for t, n in sorted(topics.items())
            if n
        ]
        consumed = {t for topics in self.lag.values() for t in topics}
        parts += [
            f"no group has consumed {n} records of {t}"
            for t, n in sorted(self.unconsumed.items())
            if n and t not in consumed
        ]
        per_service: dict[str, int] = {}
        for key, n in self.outbox.items():
            service = key.rsplit(":", 1)[-1]
            per_service[service] = per_service.get(service, 0) + n
        parts += [f"outbox of {svc} holds {n}" for svc, n in sorted(per_service.items()) if n]
        parts += [f"{what}: {n}" for what, n in sorted(self.other.items()) if n]
        return "; ".join(parts) or "idle"


def _outbox(client: redis.Redis, key_prefix: str) -> dict[str, int]:
    pending = {}
    for key in client.scan_iter(match=f"{key_prefix}outbox:*", count=1000, _type="stream"):
        name = key.decode() if isinstance(key, bytes) else str(key)
        pending[name] = int(client.xlen(name))
    return pending


def snapshot(
    reader: OffsetReader,
    client: redis.Redis,
    *,
    groups: Mapping[str, Iterable[str]] | None,
    must_consume: Iterable[str],
    key_prefix: str,
    busy: Callable[[], Mapping[str, int]] | None = None,
) -> Snapshot:
    """Lag of each group, records of ``must_consume`` no group has reached, outbox sizes."""
    committed = {g: reader.committed(g) for g in (groups or reader.groups())}
    topics_of = {
        g: set(groups[g]) if groups is not None else {tp.topic for tp in offsets}
        for g, offsets in committed.items()
    }
    wanted = set(must_consume).union(*topics_of.values())
    tps = reader.partitions(wanted)
    ends = reader.end_offsets(tps)
    snap = Snapshot(ends=ends, outbox=_outbox(client, key_prefix))
    if busy is not None:
        snap.other = dict(busy())
    for group, topics in topics_of.items():
        per_topic = snap.lag.setdefault(group, {})
        for tp in tps:
            if tp.topic in topics:
                behind = max(0, ends[tp] - committed[group].get(tp, 0))
                per_topic[tp.topic] = per_topic.get(tp.topic, 0) + behind
    for topic in must_consume:
        snap.unconsumed[topic] = sum(
            max(0, ends[tp] - max((c.get(tp, 0) for c in committed.values()), default=0))
            for tp in tps
            if tp.topic == topic
        )
    return snap


def wait_idle(
    *,
    bootstrap: str,
    redis_url: str,
    groups: Mapping[str, Iterable[str]] | None = None,
    must_consume: Iterable[str] = (),
    key_prefix: str = "",
    timeout_s: float = 300.0,
    stable_s: float = 2.0,
    poll_s: float = 0.5,
    check: Callable[[], None] | None = None,
    report: Callable[[Snapshot], None] | None = None,
    report_every_s: float = 15.0,
    busy: Callable[[], Mapping[str, int]] | None = None,
) -> Snapshot:
    """Block until the pipeline is idle and stays so, with no new record, for ``stable_s``.

    Idle: every group in ``groups`` (group id -> topics it consumes; None: every group the
    broker lists, over the topics it has committed) has committed up to the end of its
    topics, every record of each ``must_consume`` topic has been committed by some group,
    and every Redis outbox stream ``<key_prefix>outbox:*`` is empty. ``check`` is called each
    round (e.g. to fail fast when a service died); ``report`` gets a busy snapshot every
    ``report_every_s``. ``busy`` reports work the pipeline keeps elsewhere (e.g. webhook
    retries awaiting their time) as ``{what: count}``; any non-zero count is not idle.
    Raises :class:`IdleTimeout`.
    """
    deadline = time.monotonic() + timeout_s
    must = list(must_consume)
    client = redis.Redis.from_url(redis_url)
    try:
        since: float | None = None
        reported = time.monotonic()
        seen: dict[TopicPartition, int] | None = None
        while True:
            if check is not None:
                check()
            # A fresh reader each round: a long-lived one was seen to stop receiving the last
            # batch of some partitions from Tansu, and then reported wrong end offsets.
            reader = OffsetReader(bootstrap)
            try:
                snap = snapshot(
                    reader, client, groups=groups, must_consume=must, key_prefix=key_prefix,
                    busy=busy,
                )  # fmt: skip
            finally:
                reader.close()
            now = time.monotonic()
            if not snap.idle:
                since = None
            elif since is None or snap.ends != seen:
                since = now  # idle again, or new records were consumed at once: restart
            seen = snap.ends
            if since is not None and now - since >= stable_s:
                return snap
            if report is not None and not snap.idle and now - reported >= report_every_s:
                report(snap)
                reported = now
            if now > deadline:
                raise IdleTimeout(
                    f"the pipeline is not idle after {timeout_s:.0f}s: {snap.describe()}"
                )
            time.sleep(poll_s)
    finally:
        client.close()
