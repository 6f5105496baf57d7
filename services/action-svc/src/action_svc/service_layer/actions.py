"""Action use cases: create, edit, pause, resume, delete, read."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from action_svc.adapters.action_keys import ActionKeys
from action_svc.adapters.orm import ActionRow
from action_svc.adapters.repository import ActionRepository
from action_svc.domain.channels import WebhookDefinition
from action_svc.domain.errors import SpecError, SpecInvalid
from action_svc.domain.model import ActionSpec, parse_spec
from action_svc.domain.urlguard import AllowList, check_addresses
from action_svc.domain.validation import check_timing
from segshared.http import Conflict, NotFound

T = TypeVar("T")
log = logging.getLogger(__name__)


class Targets(Protocol):
    async def name_of(self, kind: str, target_id: int) -> str | None: ...


Resolve = Callable[[str, int], Any]


@dataclass(frozen=True)
class ActionContext:
    session_factory: sessionmaker[Session]
    targets: Targets
    redis: Redis
    keys: ActionKeys
    partitions: int
    allow: AllowList
    resolve: Resolve


def _now() -> datetime:
    return datetime.now(tz=UTC)


async def in_db(ctx: ActionContext, work: Callable[[ActionRepository], T], *, write: bool) -> T:
    def run() -> T:
        with ctx.session_factory() as session:
            if not write:
                return work(ActionRepository(session))
            with session.begin():
                return work(ActionRepository(session))

    return await asyncio.to_thread(run)


async def _wake_workers(ctx: ActionContext) -> None:
    """Tell the workers to look now (best effort: they also look every tick)."""
    try:
        await ctx.redis.publish(ctx.keys.wake_channel(), b"1")
    except Exception:  # the change is saved; the next tick picks it up
        log.warning("could not wake the workers", exc_info=True)


def _single_send_missed(repo: ActionRepository, row: ActionRow, now: datetime) -> bool:
    """A single send whose time came while it was paused, and that had not started then."""
    if row.type != "single_send":
        return False
    send_at = (row.spec.get("single_send") or {}).get("send_at")
    if send_at is None or repo.last_run_due(row.id) is not None:
        return False
    return datetime.fromisoformat(send_at) <= now


def _require(repo: ActionRepository, action_id: int) -> ActionRow:
    row = repo.get(action_id)
    if row is None:
        raise NotFound(f"action {action_id} does not exist")
    return row


def _check_timing(spec: ActionSpec, now: datetime) -> None:
    """422 for an end or a send time already in the past."""
    errors = check_timing(spec, now)
    if errors:
        raise SpecInvalid(errors)


async def _check(ctx: ActionContext, spec: ActionSpec) -> None:
    """What the model cannot know: the target exists; a webhook's host is not internal."""
    if await ctx.targets.name_of(spec.target.kind, spec.target.id) is None:
        missing = f"{spec.target.kind} {spec.target.id} does not exist"
        raise SpecInvalid([SpecError("target.id", missing)])
    definition = spec.channel_config
    if isinstance(definition, WebhookDefinition):
        parts = urlsplit(definition.url)
        host = parts.hostname or ""
        try:
            addresses = await ctx.resolve(host, parts.port or 443)
        except OSError:
            return  # unresolvable now; every delivery resolves and vets again
        reason = check_addresses(host, addresses, ctx.allow)
        if reason is not None:
            raise SpecInvalid([SpecError("definition.url", reason)])


async def create_action(*, ctx: ActionContext, data: Any) -> ActionRow:
    """Validate and save a new action; it is active at once (the worker loads it within ~1s)."""
    spec = parse_spec(data)
    now = _now()
    _check_timing(spec, now)
    await _check(ctx, spec)
    row = ActionRow(
        name=spec.name, description=spec.description, target_kind=spec.target.kind,
        target_id=spec.target.id, type=spec.type, channel=spec.channel,
        spec=spec.model_dump(mode="json"), status="active", status_reason="",
        starts_at=spec.starts_at, ends_at=spec.ends_at, revision=1, active_since=now,
        created_at=now, updated_at=now,
    )  # fmt: skip
    await in_db(ctx, lambda repo: repo.add(row), write=True)
    await _wake_workers(ctx)
    return row


async def update_action(
    *, ctx: ActionContext, action_id: int, changes: dict[str, Any]
) -> ActionRow:
    """Apply ``changes`` (any spec fields) and validate the result as a whole."""
    current = await in_db(ctx, lambda repo: _require(repo, action_id), write=False)
    if current.status in ("stopped", "completed"):
        raise Conflict(f"action {action_id} is {current.status}; clone it into a new one instead")
    spec = parse_spec({**current.spec, **changes})
    if {"ends_at", "single_send"} & set(changes):  # an unchanged past date is not news
        _check_timing(spec, _now())
    await _check(ctx, spec)

    def work(repo: ActionRepository) -> ActionRow:
        row = _require(repo, action_id)
        new = spec.model_dump(mode="json")
        if new != row.spec:
            row.name, row.description, row.spec = spec.name, spec.description, new
            row.target_kind, row.target_id = spec.target.kind, spec.target.id
            row.type, row.channel = spec.type, spec.channel
            row.starts_at, row.ends_at = spec.starts_at, spec.ends_at
            row.revision += 1
            row.updated_at = _now()
        return row

    updated = await in_db(ctx, work, write=True)
    await _wake_workers(ctx)
    return updated


async def pause_action(*, ctx: ActionContext, action_id: int) -> ActionRow:
    """Stop sending until resumed; triggers that arrive meanwhile are logged as missed."""

    def work(repo: ActionRepository) -> ActionRow:
        row = _require(repo, action_id)
        if row.status not in ("active", "paused"):
            raise Conflict(f"action {action_id} is {row.status} and cannot be paused")
        if row.status == "active":
            row.status, row.status_reason, row.updated_at = "paused", "paused", _now()
        return row

    return await in_db(ctx, work, write=True)


async def resume_action(*, ctx: ActionContext, action_id: int, replay_missed: bool) -> ActionRow:
    """Send again; what was missed while paused is sent only if ``replay_missed``."""
    # The flag first: the worker reads it when it sees the action active.
    await ctx.redis.set(ctx.keys.replay_missed(action_id), "1" if replay_missed else "0")

    def work(repo: ActionRepository) -> ActionRow:
        row = _require(repo, action_id)
        if row.status not in ("active", "paused"):
            raise Conflict(f"action {action_id} is {row.status} and cannot be resumed")
        if row.status == "paused":
            now = _now()
            row.status, row.status_reason, row.updated_at = "active", "", now
            if not replay_missed:  # scheduled occurrences during the pause are not due
                row.active_since = now
                if _single_send_missed(repo, row, now):
                    row.status = "completed"
                    row.status_reason = (
                        "not sent: its send_at passed while it was paused "
                        "(resume with replay_missed=true to send it late)"
                    )
        return row

    resumed = await in_db(ctx, work, write=True)
    await _wake_workers(ctx)
    return resumed


async def delete_action(*, ctx: ActionContext, action_id: int) -> None:
    """Delete an action with its dedupe sets, log and counts."""
    await in_db(ctx, lambda repo: repo.delete(_require(repo, action_id)), write=True)
    k = ctx.keys
    pipe = ctx.redis.pipeline(transaction=False)
    for p in range(ctx.partitions):
        pipe.delete(k.seen(p, action_id), k.log(p, action_id), k.stats(p, action_id),
                    k.missed(p, action_id))  # fmt: skip
    pipe.delete(k.replay_missed(action_id))
    await pipe.execute()


async def get_action(*, ctx: ActionContext, action_id: int) -> ActionRow:
    return await in_db(ctx, lambda repo: _require(repo, action_id), write=False)
