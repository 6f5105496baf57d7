"""Who may be contacted: channel opt-ins and the frequency caps a dispatch must pass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from action_svc.domain.model import Channel, FrequencyCap

#: The profile field holding each channel's consent; a webhook is not a message to the player.
OPT_IN_FIELD: dict[Channel, str | None] = {
    "email": "email_opt_in",
    "sms": "sms_opt_in",
    "push": "push_opt_in",
    "webhook": None,
}
_YES = frozenset({"true", "1"})
_NO = frozenset({"false", "0"})


def suppression_reason(channel: Channel, profile: Mapping[str, str | None]) -> str | None:
    """Why the player must not get this channel's message, or None to send.

    Values are as stored in the Redis profile ("true"/"false" strings, absent = None).
    Only an explicit refusal suppresses: the profile is a cache of upstream events, and a
    missing opt-in means the source never sent one (older players, sources without consent
    fields), not that the player said no. The messaging platform keeps the consent record of
    its own and enforces it at delivery; suppressing on absence would silently drop whole
    populations. A value that is present but unreadable suppresses: it is not a yes.
    """
    field = OPT_IN_FIELD[channel]
    if field is None:
        return None
    raw = profile.get(field)
    if raw is None or raw == "":
        return None
    value = raw.strip().lower()
    if value in _YES:
        return None
    if value in _NO:
        return f"opted out of {channel}"
    return f"unreadable {field} value {raw!r}"


@dataclass(frozen=True, slots=True)
class CapRule:
    """At most ``max`` dispatches per player in ``window_ms``, counted under ``scope``.

    The Redis script keys the counter by player and scope, e.g. ``cap:{3}:p123:channel:email``.
    """

    scope: str
    max: int
    window_ms: int


def caps_for(
    channel: Channel,
    global_caps: Mapping[Channel, FrequencyCap | None] | Mapping[str, FrequencyCap | None],
    action_cap: FrequencyCap | None,
    *,
    action_id: int | None = None,
) -> list[CapRule]:
    """Every cap a dispatch must pass: the channel's global cap and the action's own, both."""
    rules: list[CapRule] = []
    channel_cap = global_caps.get(channel)
    if channel_cap is not None:
        rules.append(CapRule(f"channel:{channel}", channel_cap.max, channel_cap.window_ms))
    if action_cap is not None:
        if action_id is None:
            raise ValueError("an action's frequency cap needs its action_id for the scope")
        rules.append(CapRule(f"action:{action_id}", action_cap.max, action_cap.window_ms))
    return rules
