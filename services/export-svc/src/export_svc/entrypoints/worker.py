"""Worker of export-svc: ``python -m export_svc.entrypoints.worker``.

- runs queued export jobs into files (any number of workers: jobs are claimed atomically);
- consumes ``segment.membership`` (on-change exports: debounce) and ``segment.lifecycle``
  (a deleted segment's schedules stop, its files expire within the deleted-retention);
- every tick: queues due scheduled and on-change exports, removes files past retention.

Plain asyncio with the platform's batched consumer (segshared.batch_consumer, ADR 0005):
export-svc produces nothing and keeps no table, so Faust would only add an idle runtime.
Time comes from ``clock``; tests drive `Worker.tick` with a clock of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import orjson

from export_svc.adapters.files import ExportFiles, utc_now
from export_svc.adapters.peers import HttpPeers
from export_svc.adapters.redis_members import RedisMembers
from export_svc.adapters.repository import JobStore
from export_svc.entrypoints.api import tuning_of
from export_svc.service_layer import retention, scheduling
from export_svc.service_layer.exports import Peers
from export_svc.service_layer.runner import JobRunner, RunnerConfig
from export_svc.settings import SERVICE, ExportSettings, load_settings
from segshared import correlation
from segshared.batch_consumer import BatchConsumer, consumer_config
from segshared.logs import configure_logging
from segshared.topics import SEGMENT_LIFECYCLE, SEGMENT_MEMBERSHIP
from segshared.worker_http import WorkerPort, start_worker_http, worker_port

log = logging.getLogger(__name__)


class Worker:
    def __init__(
        self,
        *,
        settings: ExportSettings,
        store: JobStore,
        members: RedisMembers,
        peers: Peers,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self.store = store
        self.peers = peers
        self.clock = clock
        self.files = ExportFiles(settings.export_dir)
        self.timing = scheduling.Timing(
            debounce=timedelta(seconds=settings.debounce_s),
            max_delay=timedelta(seconds=settings.max_delay_s),
            deleted_retention=timedelta(seconds=settings.deleted_retention_s),
        )
        self.runner = JobRunner(
            store=store,
            members=members,
            files=self.files,
            tuning=tuning_of(settings),
            config=RunnerConfig(
                max_running=settings.max_running,
                poll_s=settings.job_poll_s,
                progress_every_s=settings.progress_every_s,
                stale_after_s=settings.stale_after_s,
                retention_s=settings.retention_s,
            ),
            clock=clock,
        )

    async def handle(self, records: list[Any]) -> None:
        """One batch of segment.membership and segment.lifecycle records."""
        changed: set[int] = set()
        deleted: list[int] = []
        for record in records:
            try:
                doc = orjson.loads(record.value)
                segment_id = int(doc["segment_id"])
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                log.warning(
                    "skipping an unreadable %s record at offset %s", record.topic, record.offset
                )
                continue
            if record.topic == SEGMENT_LIFECYCLE:
                if doc.get("type") == "segment_deleted":
                    deleted.append(segment_id)
                    with correlation.bound(correlation.of_record(record),
                                           doc.get("event_id")):  # fmt: skip
                        log.info("segment %s deleted: its schedules stop", segment_id)
            else:
                changed.add(segment_id)
        now = self.clock()
        await scheduling.segments_changed(store=self.store, segment_ids=changed, now=now)
        for segment_id in deleted:
            await scheduling.segment_deleted(
                store=self.store, segment_id=segment_id, timing=self.timing, now=now
            )

    async def tick(self, now: datetime | None = None) -> list[int]:
        """Queue due exports and sweep old files; the job ids queued."""
        now = now or self.clock()
        queued = await scheduling.run_due(
            store=self.store, peers=self.peers, timing=self.timing, now=now
        )
        await retention.sweep(
            store=self.store,
            files=self.files,
            now=now,
            retention=timedelta(seconds=self.settings.retention_s),
            stale_partial=timedelta(seconds=self.settings.stale_after_s * 2),
        )
        if queued:
            self.runner.poke()
        return queued

    async def tick_forever(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # the database may come back
                log.exception("export worker tick failed; retrying")
            await asyncio.sleep(self.settings.tick_s)

    def consumer(self) -> BatchConsumer:
        config = consumer_config(
            self.settings,
            group_id=self.settings.app_id,
            topic=SEGMENT_MEMBERSHIP,
            max_records=self.settings.batch_size,
            within_s=self.settings.batch_within_s,
            extra_topics=(SEGMENT_LIFECYCLE,),
        )
        return BatchConsumer(config=config, handle=self.handle, lock=asyncio.Lock())

    async def run(self, port: WorkerPort | None = None) -> None:
        """Everything, until cancelled; ``port``: serve metrics and health there."""
        if port is not None:
            start_worker_http(host=port.host, port=port.port, service=SERVICE, checks=port.checks)
        tasks = [
            asyncio.create_task(self.runner.run_forever(), name="export-jobs"),
            asyncio.create_task(self.tick_forever(), name="export-ticks"),
            asyncio.create_task(self.consumer().run_forever(), name="export-events"),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*tasks, return_exceptions=True)


def main() -> None:
    from segshared.db import database_check, make_engine, make_session_factory
    from segshared.redis_client import make_redis

    settings = load_settings()
    configure_logging(service=SERVICE, level=settings.log_level, fmt=settings.log_format)
    redis = make_redis(settings.redis_url, decode_responses=True)
    engine = make_engine(settings.database_url)
    worker = Worker(
        settings=settings,
        store=JobStore(make_session_factory(engine)),
        members=RedisMembers(
            redis=redis,
            keys=settings.keys,
            partitions=settings.partitions,
            ttl_s=settings.snapshot_ttl_s,
        ),
        peers=HttpPeers(
            segment_url=settings.segment_svc_url,
            card_url=settings.card_svc_url,
            timeout_s=settings.peer_timeout_s,
            service_key=settings.service_key,
        ),
    )
    log.info("export worker: exports in %s", worker.files.directory.resolve())
    port = worker_port(settings, redis, database_check(engine))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(worker.run(port))


if __name__ == "__main__":
    main()
