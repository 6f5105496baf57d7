"""Folding events into a player's state: aggregates, dedupe, late events, history, JSON."""

from __future__ import annotations

from card_svc_events import DAY_MS, HORIZON_MS, at, event, ms, placed, settled

from card_svc.domain.facts import StateFacts
from card_svc.domain.state import Outcome, PlayerState


def fold(*events, state: PlayerState | None = None) -> PlayerState:  # type: ignore[no-untyped-def]
    state = state or PlayerState("p1")
    for e in events:
        state.apply(e, horizon_ms=HORIZON_MS)
    return state


def test_bets_fold_into_profile_figures() -> None:
    state = fold(
        placed(1, 100, at(hours=1)),
        settled(1, at(hours=1), won=True, amount=50, stake=100, multiplier=1.5, bonus=2),
        placed(2, 300, at(hours=2)),
        settled(2, at(hours=2), won=False, amount=300, stake=300),
    )
    p = StateFacts(state).profile
    assert p["bets_count"] == 2 and p["total_wagered"] == 400 and p["biggest_bet"] == 300
    assert p["wins_count"] == 1 and p["losses_count"] == 1
    assert p["total_won"] == 50 and p["total_lost"] == 300 and p["net_result"] == -250
    assert p["biggest_win"] == 50 and p["best_multiplier"] == 1.5 and p["total_bonus"] == 2
    assert p["first_bet_at"] == at(hours=1) and p["last_bet_at"] == at(hours=2)
    assert p["logins_count"] == 0 and p["deposits_count"] == 0 and p["registered_at"] is None


def test_a_redelivered_event_changes_nothing() -> None:
    state = fold(placed(1, 100, at(hours=1)))
    before = state.to_json()
    assert state.apply(placed(1, 100, at(hours=1)), horizon_ms=HORIZON_MS) is Outcome.DUPLICATE
    assert state.to_json() == before
    assert StateFacts(state).profile["total_wagered"] == 100


def test_an_event_older_than_the_horizon_is_late() -> None:
    state = fold(placed(1, 100, at(days=100)))
    assert state.apply(placed(2, 5, at(days=5)), horizon_ms=HORIZON_MS) is Outcome.LATE
    assert StateFacts(state).profile["bets_count"] == 1
    # Within the horizon an out-of-order event still counts, and first/last follow time.
    assert state.apply(placed(3, 7, at(days=50)), horizon_ms=HORIZON_MS) is Outcome.APPLIED
    assert StateFacts(state).profile["first_bet_at"] == at(days=50)
    assert [r[0] for r in state.history["bet_placed"]] == [ms(at(days=50)), ms(at(days=100))]


def test_prune_drops_old_history_and_old_ids() -> None:
    state = fold(placed(1, 100, at(days=0)), placed(2, 100, at(days=95)))
    state.prune(history_before_ms=ms(at(days=95)) - HORIZON_MS, horizon_ms=HORIZON_MS)
    assert [r[0] for r in state.history["bet_placed"]] == [ms(at(days=95))]
    assert set(state.applied) == {"bet:2:placed"}
    assert StateFacts(state).profile["bets_count"] == 2  # all-time figures stay


def test_registration_and_profile_updates() -> None:
    state = fold(
        event("player_registered", "r1", at(), country="MT", email_opt_in=True, email=None),
        event("profile_updated", "u1", at(hours=1), changes={"country": "DE", "tier": "gold"}),
        event("profile_updated", "u2", at(hours=2), changes={"email_opt_in": "maybe"}),
    )
    p = StateFacts(state).profile
    assert p["country"] == "DE" and p["email_opt_in"] is True and p["email"] is None
    assert p["attributes.tier"] == "gold" and p["registered_at"] == at()
    assert p["first_seen_at"] == at() and p["last_seen_at"] == at(hours=2)
    state = fold(event("profile_updated", "u3", at(hours=3), changes={"tier": None}), state=state)
    assert "attributes.tier" not in StateFacts(state).profile


def test_json_round_trip() -> None:
    state = fold(
        placed(1, 100, at(hours=1)),
        settled(1, at(hours=1), won=True, amount=50, stake=100, multiplier=1.5, bonus=2),
        event("deposit_made", "d1", at(hours=3), amount=20.0, currency="EUR", method=None),
    )
    state.cards = {3, 1}
    state.due = {1: ms(at(days=1))}
    assert PlayerState.from_json(state.to_json()) == state
    assert DAY_MS == 86_400_000
