"""The domain folds the real bets file into the same default cards as the independent oracle."""

from __future__ import annotations

from collections import defaultdict

import pytest
from card_svc_events import HORIZON_MS, ms

from card_svc.domain.cards import CardDef, evaluate
from card_svc.domain.events import PlayerEventIn
from card_svc.domain.facts import StateFacts
from card_svc.domain.state import PlayerState
from playerseg.demo.catalog import CARDS
from tests.oracle.bets_oracle import (
    DEFAULT_BETS_PATH,
    card_members,
    clock,
    load_bets,
    player_figures,
    profile_row,
)


def _events(row) -> list[PlayerEventIn]:  # type: ignore[no-untyped-def]
    t = ms(row.played_at)
    won = row.profit is not None
    settle = {
        "outcome": "won" if won else "lost",
        "amount": row.profit if won else row.bet,
        "stake": row.bet,
        "multiplier": row.cashed_out if won else None,
        "bonus": row.bonus_paid if won and row.bonus is not None else None,
    }
    return [
        PlayerEventIn(
            f"bet:{row.bet_id}:placed", "bet_placed", row.player_id, t, {"amount": row.bet}
        ),
        PlayerEventIn(f"bet:{row.bet_id}:settled", "bet_settled", row.player_id, t, settle),
    ]


@pytest.mark.skipif(not DEFAULT_BETS_PATH.exists(), reason="bets file not shipped")
def test_default_cards_match_the_oracle() -> None:
    rows = load_bets()
    states: dict[str, PlayerState] = {}
    for row in rows:
        state = states.setdefault(row.player_id, PlayerState(row.player_id))
        for e in _events(row):
            state.apply(e, horizon_ms=HORIZON_MS)
    now = clock(rows)
    defs = [
        CardDef.build(id=i, revision=1, kind="rule", rule=rule)
        for i, (_, _, rule) in enumerate(CARDS, start=1)
        if rule is not None
    ]
    got: dict[str, set[str]] = defaultdict(set)
    for pid, state in states.items():
        evaluate(state, defs, clock=now, is_listed=lambda c, p: False)
        for card_id in state.cards:
            got[CARDS[card_id - 1][0]].add(pid)
    expected = card_members(rows, clock=now)
    for name, _, rule in CARDS:
        if rule is not None:
            assert got[name] == expected[name], name
    # Profile figures are bit-identical to a straight fold in file order.
    figures = player_figures(rows)
    for pid in list(states)[:500]:
        profile = StateFacts(states[pid]).profile
        for field, value in profile_row(figures[pid]).items():
            assert profile[field] == value, (pid, field)
