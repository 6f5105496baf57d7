"""Dispatch idempotency keys: one per action, occurrence and player, the same on every retry.

Every input is derived from the cause (the action id, the membership event id or run id or
scheduled time, the player id), never from a clock or a counter, so a redelivered event or a
restarted scheduler rebuilds the very same key, and dispatchers dedupe on it.

Shape: ``a<action>:<occurrence>:p<player>``, e.g. ``a17:at:2026-12-03T09:00:00Z:p123``.
Keys are visible ASCII (they travel as an HTTP ``Idempotency-Key`` header) and at most 200
characters: an occurrence that is too long or not plain ASCII becomes ``#<sha256 prefix>``,
a player id likewise ``p#<sha256 prefix>``. The player part never contains ":" and is always
last, and "#" never starts a verbatim part, so distinct inputs give distinct keys.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import quote

from action_svc.domain.schedule import occurrence_id

MAX_KEY_LENGTH = 200
MAX_ACTION_ID = 2**63 - 1  # a SQL BIGINT
_HASH_CHARS = 32  # 128 bits: collisions are not a practical concern
_VISIBLE_ASCII = re.compile(r"^[\x21-\x7e]+$")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]


def dispatch_key(action_id: int, occurrence: str, player_id: str) -> str:
    """The idempotency key of sending ``occurrence`` of action ``action_id`` to a player."""
    if not 1 <= action_id <= MAX_ACTION_ID:
        raise ValueError(f"action_id must be between 1 and {MAX_ACTION_ID}, got {action_id}")
    head = f"a{action_id}:"
    verbatim = bool(_VISIBLE_ASCII.match(occurrence)) and not occurrence.startswith("#")
    occ = occurrence if verbatim else "#" + _digest(occurrence)
    # Percent-encoding keeps ':' (legal in player ids) out of the last part, and is injective.
    player = "p" + quote(player_id, safe="-_.~", errors="surrogatepass")
    if len(head) + len(occ) + 1 + len(player) > MAX_KEY_LENGTH:
        occ = "#" + _digest(occurrence)
    if len(head) + len(occ) + 1 + len(player) > MAX_KEY_LENGTH:
        player = "p#" + _digest(player_id)
    return f"{head}{occ}:{player}"


def triggered_occurrence(membership_event_id: str) -> str:
    """Occurrence of a triggered action: the membership event that fired it."""
    return f"ev:{membership_event_id}"


def send_occurrence(run_id: int) -> str:
    """Occurrence of a single send: its run (one per send of the action)."""
    return f"run:{run_id}"


def scheduled_occurrence(moment: datetime) -> str:
    """Occurrence of a scheduled action: the planned time, not the time it actually ran."""
    return f"at:{occurrence_id(moment)}"
