"""SQL access to actions, send occurrences and channel settings (sync; callers use threads)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from action_svc.adapters.orm import ActionRow, ChannelSettingsRow, RunRow

#: Statuses in which an action still reacts or sends (and blocks deleting its target).
LIVE_STATUSES = ("active", "paused")


class ActionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, action_id: int) -> ActionRow | None:
        return self.session.get(ActionRow, action_id)

    def add(self, row: ActionRow) -> None:
        self.session.add(row)
        self.session.flush()

    def delete(self, row: ActionRow) -> None:
        self.session.delete(row)
        self.session.flush()

    def search(
        self, *, target_kind: str | None = None, target_id: int | None = None,
        statuses: Sequence[str] = (), q: str | None = None, limit: int = 50, offset: int = 0,
    ) -> tuple[list[ActionRow], int]:  # fmt: skip
        query = select(ActionRow)
        if target_kind is not None:
            query = query.where(ActionRow.target_kind == target_kind)
        if target_id is not None:
            query = query.where(ActionRow.target_id == target_id)
        if statuses:
            query = query.where(ActionRow.status.in_(statuses))
        if q:
            query = query.where(ActionRow.name.ilike(f"%{q}%"))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(query.order_by(ActionRow.id).limit(limit).offset(offset))
        return list(rows), int(total)

    def live(self) -> list[ActionRow]:
        """Actions that are active or paused (the worker's catalogue)."""
        return list(
            self.session.scalars(
                select(ActionRow).where(ActionRow.status.in_(LIVE_STATUSES)).order_by(ActionRow.id)
            )
        )

    def stop_for_target(self, kind: str, target_id: int, reason: str, now: datetime) -> int:
        """Stop every live action on a deleted target; returns how many."""
        result = self.session.execute(
            update(ActionRow)
            .where(
                ActionRow.target_kind == kind,
                ActionRow.target_id == target_id,
                ActionRow.status.in_(LIVE_STATUSES),
            )
            .values(status="stopped", status_reason=reason, updated_at=now)
        )
        self.session.execute(
            update(RunRow)
            .where(
                RunRow.status.in_(("pending", "running")),
                RunRow.action_id.in_(
                    select(ActionRow.id).where(
                        ActionRow.target_kind == kind, ActionRow.target_id == target_id
                    )
                ),
            )
            .values(status="cancelled", finished_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # runs
    def runs(self, action_id: int, *, limit: int = 50, offset: int = 0) -> list[RunRow]:
        return list(
            self.session.scalars(
                select(RunRow)
                .where(RunRow.action_id == action_id)
                .order_by(RunRow.due_at.desc(), RunRow.id.desc())
                .limit(limit)
                .offset(offset)
            )
        )

    def open_runs(self) -> list[RunRow]:
        """Runs that are due or being sent."""
        return list(
            self.session.scalars(
                select(RunRow).where(RunRow.status.in_(("pending", "running"))).order_by(RunRow.id)
            )
        )

    def run_exists(self, action_id: int, occurrence: str) -> bool:
        found = self.session.scalar(
            select(RunRow.id).where(RunRow.action_id == action_id, RunRow.occurrence == occurrence)
        )
        return found is not None

    def last_run_due(self, action_id: int) -> datetime | None:
        return self.session.scalar(
            select(func.max(RunRow.due_at)).where(RunRow.action_id == action_id)
        )

    def add_run(self, run: RunRow) -> None:
        self.session.add(run)
        self.session.flush()

    def get_run(self, run_id: int) -> RunRow | None:
        return self.session.get(RunRow, run_id)

    # channel settings
    def channel_settings(self) -> dict[str, ChannelSettingsRow]:
        return {row.channel: row for row in self.session.scalars(select(ChannelSettingsRow))}

    def put_channel_settings(self, row: ChannelSettingsRow) -> ChannelSettingsRow:
        return self.session.merge(row)
