"""The worker's view of the live actions: parsed once per refresh, indexed by what fires them."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from action_svc.adapters.dispatch_store import ScriptAction, script_action
from action_svc.adapters.orm import ActionRow, ChannelSettingsRow
from action_svc.adapters.repository import ActionRepository
from action_svc.domain.channels import templated_texts
from action_svc.domain.commands import command_layout
from action_svc.domain.guards import OPT_IN_FIELD, caps_for
from action_svc.domain.model import ActionSpec, FrequencyCap
from segshared.db import assume_utc
from segshared.topics import dispatch_topic


@dataclass(frozen=True, slots=True)
class LiveAction:
    """An active or paused action, ready for the hot path."""

    id: int
    revision: int
    status: str
    spec: ActionSpec
    #: The action as the dispatch script reads it (layout, guards, topic).
    script: ScriptAction
    #: Scheduled occurrences at or before this are not due (creation, or a resume).
    active_since: datetime
    created_at: datetime

    @property
    def active(self) -> bool:
        return self.status == "active"

    def in_window(self, now: datetime) -> bool:
        """Whether ``now`` is inside the action's optional start/end."""
        spec = self.spec
        return (spec.starts_at is None or spec.starts_at <= now) and (
            spec.ends_at is None or now < spec.ends_at
        )


@dataclass(frozen=True)
class Catalogue:
    actions: Mapping[int, LiveAction] = field(default_factory=dict)
    #: (target kind, target id, "entered"/"exited") -> triggered actions.
    triggers: Mapping[tuple[str, int, str], tuple[LiveAction, ...]] = field(default_factory=dict)
    #: Channel -> sends per second set by operators (None: the default).
    rate_limits: Mapping[str, float | None] = field(default_factory=dict)


def global_caps(rows: Mapping[str, ChannelSettingsRow]) -> dict[str, FrequencyCap | None]:
    """Channel -> the operator's global frequency cap (None: uncapped)."""
    caps: dict[str, FrequencyCap | None] = {}
    for channel, row in rows.items():
        if row.cap_max is not None and row.cap_per_hours is not None:
            caps[channel] = FrequencyCap(max=row.cap_max, per_hours=row.cap_per_hours)
    return caps


def live_action(row: ActionRow, caps: Mapping[str, FrequencyCap | None]) -> LiveAction:
    """Parse a stored action into its hot-path view."""
    spec = ActionSpec.model_validate(row.spec)
    definition = spec.channel_config
    layout = command_layout(
        action_id=row.id, action_name=spec.name, channel=spec.channel,
        target_kind=spec.target.kind, target_id=spec.target.id, definition=definition,
        texts=templated_texts(spec.channel, definition), variables=tuple(spec.variables),
    )  # fmt: skip
    rules = caps_for(spec.channel, caps, spec.frequency_cap, action_id=row.id)
    script = script_action(
        action_id=row.id, channel=spec.channel, topic=dispatch_topic(spec.channel),
        opt_in_field=OPT_IN_FIELD.get(spec.channel), layout=layout,
        caps=";".join(f"{r.scope},{r.max},{r.window_ms}" for r in rules),
    )  # fmt: skip
    return LiveAction(
        id=row.id, revision=row.revision, status=row.status, spec=spec, script=script,
        active_since=assume_utc(row.active_since), created_at=assume_utc(row.created_at),
    )  # fmt: skip


def build_catalogue(rows: list[ActionRow], settings: Mapping[str, ChannelSettingsRow]) -> Catalogue:
    caps = global_caps(settings)
    actions = {row.id: live_action(row, caps) for row in rows}
    triggers: dict[tuple[str, int, str], list[LiveAction]] = defaultdict(list)
    for action in actions.values():
        trigger = action.spec.trigger
        if action.spec.type == "triggered" and trigger is not None:
            triggers[(action.spec.target.kind, action.spec.target.id, trigger.on)].append(action)
    rates = {channel: row.rate_limit_per_s for channel, row in settings.items()}
    return Catalogue(actions, {k: tuple(v) for k, v in triggers.items()}, rates)


class CatalogueCache:
    """Reloads the live actions and channel settings at most every ``max_age_s``."""

    def __init__(self, session_factory: sessionmaker[Session], max_age_s: float = 1.0) -> None:
        self._session_factory = session_factory
        self._max_age_s = max_age_s
        self._catalogue = Catalogue()
        self._loaded_at = float("-inf")

    async def refresh(self) -> Catalogue:
        def load() -> Catalogue:
            with self._session_factory() as session:
                repo = ActionRepository(session)
                return build_catalogue(repo.live(), repo.channel_settings())

        self._catalogue = await asyncio.to_thread(load)
        self._loaded_at = asyncio.get_running_loop().time()
        return self._catalogue

    async def get(self) -> Catalogue:
        if asyncio.get_running_loop().time() - self._loaded_at > self._max_age_s:
            return await self.refresh()
        return self._catalogue
