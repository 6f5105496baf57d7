"""Versioned JSON event contracts. Events are named in the past tense and never renamed."""

from segshared.contracts.codec import DecodeError, decode_player_event, encode
from segshared.contracts.dispatch import (
    DISPATCH_CHANNELS,
    DispatchCommand,
    DispatchContent,
    WebhookRequest,
)
from segshared.contracts.lifecycle import CardLifecycleEvent, SegmentLifecycleEvent
from segshared.contracts.membership import CardMembershipChanged, SegmentMembershipChanged
from segshared.contracts.player_events import (
    PLAYER_EVENT_TYPES,
    BetPlaced,
    BetSettled,
    DepositMade,
    PlayerEvent,
    PlayerLoggedIn,
    PlayerRegistered,
    ProfileUpdated,
    WithdrawalMade,
)

__all__ = [
    "DISPATCH_CHANNELS",
    "PLAYER_EVENT_TYPES",
    "BetPlaced",
    "BetSettled",
    "CardLifecycleEvent",
    "CardMembershipChanged",
    "DecodeError",
    "DepositMade",
    "DispatchCommand",
    "DispatchContent",
    "PlayerEvent",
    "PlayerLoggedIn",
    "PlayerRegistered",
    "ProfileUpdated",
    "SegmentLifecycleEvent",
    "SegmentMembershipChanged",
    "WebhookRequest",
    "WithdrawalMade",
    "decode_player_event",
    "encode",
]
