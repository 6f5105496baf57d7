"""A validated bet -> its ``bet_placed`` and ``bet_settled`` events (docs/default-catalog.md)."""

from __future__ import annotations

from pydantic import ValidationError

from playerseg.replay.rows import Bet, RowError
from segshared.contracts import BetPlaced, BetSettled


def bet_events(bet: Bet) -> tuple[BetPlaced, BetSettled]:
    """The ``bet_placed`` and ``bet_settled`` events of a bet (docs/default-catalog.md)."""
    common: dict[str, object] = {
        "version": 1,
        "player_id": bet.player_id,
        "occurred_at": bet.played_at,
    }
    try:
        placed = BetPlaced.model_validate(
            {
                **common,
                "event_id": f"bet:{bet.bet_id}:placed",
                "type": "bet_placed",
                "data": {"bet_id": bet.bet_id, "game_id": bet.game_id, "amount": bet.stake},
            }
        )
        settled = BetSettled.model_validate(
            {
                **common,
                "event_id": f"bet:{bet.bet_id}:settled",
                "type": "bet_settled",
                "data": _settlement(bet),
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RowError(bet.line, f"{where}: {first['msg']}") from None
    return placed, settled


def _settlement(bet: Bet) -> dict[str, object]:
    data: dict[str, object] = {
        "bet_id": bet.bet_id,
        "game_id": bet.game_id,
        "stake": bet.stake,
        "busted_at": bet.busted_at,
    }
    if bet.profit is None:
        data.update(outcome="lost", amount=bet.stake)
        return data
    data.update(outcome="won", amount=bet.profit, multiplier=bet.cashed_out)
    if bet.bonus_percent is not None:
        # The file gives the bonus as a percentage of the stake; events carry stake units.
        data["bonus"] = bet.stake * bet.bonus_percent / 100
    return data
