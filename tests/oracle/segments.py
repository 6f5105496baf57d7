"""Default segment memberships as set algebra over the default cards (docs/default-catalog.md)."""

from __future__ import annotations

from collections.abc import Mapping, Set

from .cards import (
    ACTIVE_24H,
    BIG_WINNERS,
    BONUS_HUNTERS,
    FREQUENT_PLAYERS,
    HIGH_ROLLERS,
    INACTIVE_7D,
    NET_LOSERS,
    VIP_LIST,
    WEEKLY_WHALES,
)

VIPS_AT_RISK = "VIPs at risk"
WIN_BACK = "Win-back: frequent losers"
ENGAGED_WINNERS = "Engaged winners"
HOT_RIGHT_NOW = "Hot right now"
REACTIVATION = "Reactivation campaign"

SEGMENT_NAMES: tuple[str, ...] = (
    VIPS_AT_RISK,
    WIN_BACK,
    ENGAGED_WINNERS,
    HOT_RIGHT_NOW,
    REACTIVATION,
)


def segment_members(cards: Mapping[str, Set[str]]) -> dict[str, set[str]]:
    """Members of every default segment, given the members of every default card."""
    vips_at_risk = set(cards[HIGH_ROLLERS] & cards[INACTIVE_7D])
    win_back = set((cards[FREQUENT_PLAYERS] & cards[NET_LOSERS]) - cards[ACTIVE_24H])
    # Excludes apply after the include blocks are combined, as the console's Exclude block does.
    engaged = set(
        ((cards[BIG_WINNERS] | cards[BONUS_HUNTERS]) & cards[FREQUENT_PLAYERS]) - cards[NET_LOSERS]
    )
    hot = set(cards[ACTIVE_24H] & (cards[HIGH_ROLLERS] | cards[WEEKLY_WHALES]))
    # A segment reference means that segment's current members.
    reactivation = (vips_at_risk | win_back) - set(cards[VIP_LIST])
    return {
        VIPS_AT_RISK: vips_at_risk,
        WIN_BACK: win_back,
        ENGAGED_WINNERS: engaged,
        HOT_RIGHT_NOW: hot,
        REACTIVATION: reactivation,
    }
