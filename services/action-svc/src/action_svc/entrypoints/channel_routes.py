"""HTTP routes of per-channel guards: the global frequency cap and the send rate."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from action_svc.adapters.orm import ChannelSettingsRow
from action_svc.adapters.repository import ActionRepository
from action_svc.domain.channels import CHANNELS, Channel
from action_svc.domain.model import FrequencyCap
from action_svc.entrypoints.deps import Services
from action_svc.entrypoints.schemas import ChannelSettingsIn, ChannelSettingsOut
from action_svc.service_layer.actions import in_db

router = APIRouter(prefix="/channels", tags=["channels"])


def _out(channel: str, row: ChannelSettingsRow | None) -> ChannelSettingsOut:
    cap = None
    if row is not None and row.cap_max is not None and row.cap_per_hours is not None:
        cap = FrequencyCap(max=row.cap_max, per_hours=row.cap_per_hours)
    rate = row.rate_limit_per_s if row is not None else None
    return ChannelSettingsOut(channel=channel, frequency_cap=cap, rate_limit_per_s=rate)


@router.get("", response_model=list[ChannelSettingsOut])
async def list_channels(services: Services) -> list[ChannelSettingsOut]:
    """Each channel's global frequency cap and send rate (null: uncapped / the default)."""
    rows = await in_db(services.ctx, lambda repo: repo.channel_settings(), write=False)
    return [_out(channel, rows.get(channel)) for channel in CHANNELS]


@router.put("/{channel}", response_model=ChannelSettingsOut)
async def put_channel(
    channel: Channel, body: ChannelSettingsIn, services: Services
) -> ChannelSettingsOut:
    """Set a channel's global frequency cap (per player, across actions) and send rate."""
    row = ChannelSettingsRow(
        channel=channel,
        cap_max=body.frequency_cap.max if body.frequency_cap else None,
        cap_per_hours=body.frequency_cap.per_hours if body.frequency_cap else None,
        rate_limit_per_s=body.rate_limit_per_s,
        updated_at=datetime.now(tz=UTC),
    )

    def work(repo: ActionRepository) -> ChannelSettingsRow:
        return repo.put_channel_settings(row)

    return _out(channel, await in_db(services.ctx, work, write=True))
