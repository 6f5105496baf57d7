"""Independent oracle for the default cards, segments and player profiles (plain Python only).

Shares no code with segshared/card_svc/segment_svc/playerseg on purpose: a bug there cannot
hide behind the same bug here.
"""

from __future__ import annotations

from .cards import CARD_NAMES, DEFAULT_VIP_PATH, card_members, load_vip_ids
from .figures import PROFILE_FIELDS, Figures, player_figures, profile_row
from .rows import DEFAULT_BETS_PATH, ORIGINAL_BETS_PATH, Row, clock, load_bets, parse_time
from .segments import SEGMENT_NAMES, segment_members

__all__ = [
    "CARD_NAMES",
    "DEFAULT_BETS_PATH",
    "DEFAULT_VIP_PATH",
    "ORIGINAL_BETS_PATH",
    "PROFILE_FIELDS",
    "SEGMENT_NAMES",
    "Figures",
    "Row",
    "card_members",
    "clock",
    "load_bets",
    "load_vip_ids",
    "parse_time",
    "player_figures",
    "profile_row",
    "segment_members",
]
