"""Segment use cases: create, edit, clone, delete, read. Each change queues its lifecycle event."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from segment_svc.adapters.orm import SegmentRow
from segment_svc.adapters.repository import SegmentRepository
from segment_svc.service_layer.lifecycle import record_lifecycle
from segment_svc.service_layer.queries import SegmentContext, get_segment, read, require
from segment_svc.service_layer.validation import (
    check_cards,
    check_segments,
    parse_definition,
)
from segshared.http import Conflict
from segshared.rules import (
    SegmentDefinition,
    parse_segment_definition,
    references,
    segment_definition_to_doc,
)

T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(tz=UTC)


async def _in_transaction(ctx: SegmentContext, work: Callable[[SegmentRepository], T]) -> T:
    """Run ``work`` in one transaction in a worker thread (sync SQLAlchemy off the loop)."""

    def run() -> T:
        with ctx.session_factory() as session, session.begin():
            repo = SegmentRepository(session)
            repo.lock_for_write()
            return work(repo)

    try:
        result = await asyncio.to_thread(run)
    except IntegrityError as exc:
        raise Conflict(f"the change conflicts with the stored segments: {exc.orig}") from exc
    ctx.after_commit()
    return result


def _free_name(repo: SegmentRepository, name: str, *, segment_id: int | None = None) -> None:
    other = repo.get_by_name(name)
    if other is not None and other.id != segment_id:
        raise Conflict(
            f"a segment named {name!r} already exists (id {other.id})",
            [{"id": other.id, "name": other.name}],
        )


def _store_definition(repo: SegmentRepository, row: SegmentRow, defn: SegmentDefinition) -> None:
    check_segments(defn, segment_refs=repo.segment_refs(), segment_id=row.id or None)
    row.definition = segment_definition_to_doc(defn)
    refs = references(defn)
    repo.add(row)
    repo.set_refs(row.id, cards=refs.cards, segments=refs.segments)


async def create_segment(
    *, ctx: SegmentContext, name: str, description: str, include: Any, exclude: Any
) -> SegmentRow:
    """Save a new segment (revision 1); the worker builds it."""
    defn = parse_definition(include, exclude, limits=ctx.limits)
    await check_cards(defn, cards=ctx.cards)

    def work(repo: SegmentRepository) -> SegmentRow:
        _free_name(repo, name)
        now = _now()
        row = SegmentRow(
            name=name, description=description, revision=1, created_at=now, updated_at=now
        )
        _store_definition(repo, row, defn)
        record_lifecycle(repo, kind="segment_created", row=row, now=now)
        return row

    return await _in_transaction(ctx, work)


async def update_segment(
    *, ctx: SegmentContext, segment_id: int, changes: dict[str, Any]
) -> SegmentRow:
    """Apply the given fields; a definition change is re-checked. Each change bumps revision."""
    current = await get_segment(ctx=ctx, segment_id=segment_id)
    defn: SegmentDefinition | None = None
    if "include" in changes or "exclude" in changes:
        include = changes.get("include", current.definition["include"])
        exclude = changes.get("exclude", current.definition.get("exclude"))
        defn = parse_definition(include, exclude, limits=ctx.limits, segment_id=segment_id)
        if segment_definition_to_doc(defn) == current.definition:
            defn = None  # same definition: no rebuild needed
        else:
            await check_cards(defn, cards=ctx.cards)

    def work(repo: SegmentRepository) -> SegmentRow:
        row = require(repo, segment_id)
        changed = defn is not None
        if changes.get("name") not in (None, row.name):
            _free_name(repo, changes["name"], segment_id=segment_id)
            row.name, changed = changes["name"], True
        if changes.get("description") not in (None, row.description):
            row.description, changed = changes["description"], True
        if not changed:
            return row
        if defn is not None:
            _store_definition(repo, row, defn)
        row.revision += 1
        row.updated_at = _now()
        record_lifecycle(repo, kind="segment_updated", row=row, now=row.updated_at)
        return row

    return await _in_transaction(ctx, work)


async def clone_segment(*, ctx: SegmentContext, segment_id: int, name: str | None) -> SegmentRow:
    """An identical segment named ``name`` (default ``"<name> (copy)"``, made unique)."""

    def work(repo: SegmentRepository) -> SegmentRow:
        source = require(repo, segment_id)
        if name is not None:
            _free_name(repo, name)
            new_name = name
        else:
            new_name = _copy_name(source.name, repo.names_like(f"{source.name} (copy"))
        now = _now()
        row = repo.add(
            SegmentRow(
                name=new_name,
                description=source.description,
                definition=dict(source.definition),
                revision=1,
                cloned_from=source.id,
                created_at=now,
                updated_at=now,
            )
        )
        refs = references(parse_segment_definition(row.definition))
        repo.set_refs(row.id, cards=refs.cards, segments=refs.segments)
        record_lifecycle(repo, kind="segment_cloned", row=row, now=now)
        return row

    return await _in_transaction(ctx, work)


def _copy_name(name: str, taken: set[str]) -> str:
    candidate, n = f"{name} (copy)", 2
    while candidate in taken:
        candidate, n = f"{name} (copy {n})", n + 1
    return candidate


async def delete_segment(*, ctx: SegmentContext, segment_id: int, force: bool = False) -> None:
    """Delete a segment no other segment references (409 naming them otherwise) and no live
    action sends to, unless ``force`` (its actions then stop on the lifecycle event)."""
    await read(ctx, lambda repo: require(repo, segment_id))
    if ctx.actions is not None and not force:
        actions = await ctx.actions.live_actions("segment", segment_id)
        if actions:
            named = ", ".join(f"{a['id']} ({a['name']}, {a['status']})" for a in actions)
            raise Conflict(
                f"segment {segment_id} is used by action(s) {named}; delete or stop those "
                "actions first, or repeat with ?force=true to delete the segment and stop them",
                [{"kind": "action", **a} for a in actions],
            )

    def work(repo: SegmentRepository) -> None:
        row = require(repo, segment_id)
        users = repo.referencing(segment_id)
        if users:
            named = ", ".join(f"{u.id} ({u.name})" for u in users)
            raise Conflict(
                f"segment {segment_id} is referenced by segment(s) {named}; "
                "remove those references first",
                [{"id": u.id, "name": u.name} for u in users],
            )
        record_lifecycle(repo, kind="segment_deleted", row=row, now=_now())
        repo.delete(row)

    await _in_transaction(ctx, work)
