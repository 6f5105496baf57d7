"""Builders of domain events for card-svc unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from card_svc.domain.events import PlayerEventIn

T0 = datetime(2021, 11, 1, tzinfo=UTC)
DAY_MS = 86_400_000
HORIZON_MS = 90 * DAY_MS


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def at(**delta: float) -> datetime:
    return T0 + timedelta(**delta)


def placed(bet: int, amount: float, when: datetime, player: str = "p1") -> PlayerEventIn:
    data = {"bet_id": str(bet), "game_id": None, "amount": amount}
    return PlayerEventIn(f"bet:{bet}:placed", "bet_placed", player, ms(when), data)


def settled(
    bet: int,
    when: datetime,
    *,
    won: bool,
    amount: float,
    stake: float,
    multiplier: float | None = None,
    bonus: float | None = None,
    player: str = "p1",
) -> PlayerEventIn:
    data: dict[str, Any] = {
        "bet_id": str(bet),
        "game_id": None,
        "outcome": "won" if won else "lost",
        "amount": amount,
        "stake": stake,
        "multiplier": multiplier,
        "bonus": bonus,
        "busted_at": None,
    }
    return PlayerEventIn(f"bet:{bet}:settled", "bet_settled", player, ms(when), data)


def event(
    kind: str, event_id: str, when: datetime, player: str = "p1", **data: Any
) -> PlayerEventIn:
    return PlayerEventIn(event_id, kind, player, ms(when), data)
