"""The player's profile fields (segshared.fields) derived from their state."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

from card_svc.domain.state import MAX, SUM, KindAgg, PlayerState
from segshared.fields import encode_field_value, field_spec

#: Registration attributes copied as they are.
ATTRIBUTES = (
    "country",
    "currency",
    "language",
    "email",
    "username",
    "affiliate",
    "email_opt_in",
    "sms_opt_in",
    "push_opt_in",
)


def ms_to_dt(value: int | None) -> datetime | None:
    """Epoch ms to an aware UTC datetime (None stays None)."""
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=UTC)


def _count(agg: KindAgg | None) -> int:
    return agg.n if agg else 0


def _sum(agg: KindAgg | None, prop: str) -> float:
    vals = agg.props.get(prop) if agg else None
    return vals[SUM] if vals else 0.0


def _max(agg: KindAgg | None, prop: str) -> float | None:
    vals = agg.props.get(prop) if agg else None
    return vals[MAX] if vals else None


def _first_at(agg: KindAgg | None) -> datetime | None:
    return ms_to_dt(agg.t0) if agg else None


def _last_at(agg: KindAgg | None) -> datetime | None:
    return ms_to_dt(agg.t1) if agg else None


def profile_values(state: PlayerState) -> dict[str, Any]:
    """Every profile field of the player; None where the player has no value."""
    g = state.aggs.get
    logins, placed, won, lost = (
        g("player_logged_in"),
        g("bet_placed"),
        g("bet_won"),
        g("bet_lost"),
    )
    deposits, withdrawals = g("deposit_made"), g("withdrawal_made")
    total_won, total_lost = _sum(won, "amount"), _sum(lost, "amount")
    values: dict[str, Any] = {name: state.attrs.get(name) for name in ATTRIBUTES}
    values.update(
        player_id=state.player_id,
        registered_at=ms_to_dt(state.attrs.get("registered_at")),
        first_seen_at=ms_to_dt(state.seen0 or None),
        last_seen_at=ms_to_dt(state.seen1 or None),
        last_login_at=_last_at(logins),
        logins_count=_count(logins),
        bets_count=_count(placed),
        total_wagered=_sum(placed, "amount"),
        biggest_bet=_max(placed, "amount"),
        first_bet_at=_first_at(placed),
        last_bet_at=_last_at(placed),
        wins_count=_count(won),
        losses_count=_count(lost),
        total_won=total_won,
        total_lost=total_lost,
        net_result=total_won - total_lost,
        biggest_win=_max(won, "amount"),
        best_multiplier=_max(won, "multiplier"),
        total_bonus=_sum(won, "bonus"),
        deposits_count=_count(deposits),
        total_deposited=_sum(deposits, "amount"),
        last_deposit_at=_last_at(deposits),
        withdrawals_count=_count(withdrawals),
        total_withdrawn=_sum(withdrawals, "amount"),
    )
    values.update({k: v for k, v in state.attrs.items() if k.startswith("attributes.")})
    return values


def encode_profile(values: dict[str, Any]) -> dict[str, str]:
    """The profile hash: every field that has a value, as segshared.fields encodes it."""
    out: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        # The type is part of the key: True == 1 == 1.0 hash alike but encode differently.
        text = _encode(name, cast(Hashable, type(value)), value)
        if text is not None:
            out[name] = text
    return out


@lru_cache(maxsize=1 << 16)
def _encode(name: str, kind: Hashable, value: Any) -> str | None:
    # Cached: most of a player's fields (times, attributes, counts) repeat between batches
    # and encoding (strftime, number text) was a large share of the per-player cost.
    spec = field_spec(name)
    if spec is None:
        return None
    try:
        return encode_field_value(spec, value)
    except ValueError:  # a value that does not fit its field is left out of tables
        return None
