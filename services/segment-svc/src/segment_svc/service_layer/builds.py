"""Whole-segment builds: bring every owned shard to each segment's current revision."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from segment_svc.domain.catalogue import Catalogue
from segment_svc.domain.events import build_cause, iso_utc
from segshared import correlation
from segshared.contracts.envelope import from_epoch_ms
from segshared.keys import Keys
from segshared.rules import SetOp
from segshared.shard_programs import shard_program

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildReport:
    shard: int
    segment_id: int
    revision: int
    entered: int
    exited: int


class Builds(Protocol):
    async def built_revisions(self, shard: int) -> dict[int, int]: ...

    async def stream_clock_ms(self) -> int | None: ...

    async def run_program(
        self, ops: Sequence[SetOp], *, scratch: Sequence[str], ttl_s: int
    ) -> None: ...

    async def swap(
        self,
        *,
        shard: int,
        segment_id: int,
        revision: int,
        build_key: str,
        cause_event_id: str,
        occurred_at: str,
        dependents: Sequence[int],
    ) -> tuple[int, int]: ...

    async def drop(self, *, shard: int, segment_id: int) -> int: ...


async def reconcile(
    *, catalogue: Catalogue, builds: Builds, keys: Keys, shards: Iterable[int], ttl_s: int
) -> list[BuildReport]:
    """Drop deleted segments and (re)build stale ones, with their dependents, per shard."""
    reports: list[BuildReport] = []
    for shard in sorted(shards):
        built = await builds.built_revisions(shard)
        for segment_id in sorted(set(built) - set(catalogue.specs)):
            dropped = await builds.drop(shard=shard, segment_id=segment_id)
            log.info(
                "dropped deleted segment %d from shard %d (%d members)", segment_id, shard, dropped
            )
        stale = [s for s, spec in catalogue.specs.items() if built.get(s) != spec.revision]
        if not stale:
            continue
        occurred_at = await _event_time(builds)
        for segment_id in catalogue.rebuild_order(stale):
            reports.append(
                await build_shard(
                    catalogue=catalogue,
                    builds=builds,
                    keys=keys,
                    shard=shard,
                    segment_id=segment_id,
                    occurred_at=occurred_at,
                    ttl_s=ttl_s,
                )
            )
    return reports


async def build_shard(
    *,
    catalogue: Catalogue,
    builds: Builds,
    keys: Keys,
    shard: int,
    segment_id: int,
    occurred_at: str,
    ttl_s: int,
) -> BuildReport:
    """Build one segment's shard set from card sets and live segment sets, then swap it in."""
    spec = catalogue.specs[segment_id]
    token = uuid.uuid4().hex[:16]
    build_key = keys.segment_build(shard, segment_id, token)
    program = shard_program(spec.definition, keys=keys, shard=shard, dest=build_key, token=token)
    await builds.run_program(program.ops, scratch=program.scratch, ttl_s=ttl_s)
    cause = build_cause(spec.revision, catalogue.upstream(segment_id))
    entered, exited = await builds.swap(
        shard=shard,
        segment_id=segment_id,
        revision=spec.revision,
        build_key=build_key,
        cause_event_id=cause,
        occurred_at=occurred_at,
        dependents=catalogue.direct_dependents(segment_id),
    )
    # An unchanged shard is routine (every new segment starts empty): keep it out of the console.
    # The request that made the revision, and the cause its membership events carry.
    with correlation.bound(spec.correlation_id, cause):
        log.log(
            logging.INFO if entered or exited else logging.DEBUG,
            "built segment %d rev %d in shard %d: +%d -%d",
            segment_id,
            spec.revision,
            shard,
            entered,
            exited,
        )
    return BuildReport(shard, segment_id, spec.revision, entered, exited)


async def _event_time(builds: Builds) -> str:
    # Event time of the stream (DESIGN decision 8); wall clock before any event was seen.
    clock = await builds.stream_clock_ms()
    return iso_utc(from_epoch_ms(clock) if clock is not None else datetime.now(tz=UTC))
