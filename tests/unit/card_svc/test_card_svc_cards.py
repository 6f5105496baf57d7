"""Card evaluation, membership diff, due times and change events."""

from __future__ import annotations

import orjson
from card_svc_events import HORIZON_MS, at, ms, placed

from card_svc.domain.cards import CardDef, affected_cards, due_at, evaluate, forget_cards
from card_svc.domain.changes import backfill_cause, clock_cause, event_cause, membership_events
from card_svc.domain.state import PlayerState
from playerseg.demo.catalog import CARDS

RULES = {name: rule for name, _, rule in CARDS}
ACTIVE = CardDef.build(id=6, revision=1, kind="rule", rule=RULES["Active in the last 24 hours"])
HIGH = CardDef.build(id=1, revision=1, kind="rule", rule=RULES["High rollers"])
NET = CardDef.build(id=3, revision=1, kind="rule", rule=RULES["Net losers"])
VIP = CardDef.build(id=11, revision=1, kind="static", rule=None)


def nobody(card_id: int, player_id: str) -> bool:
    return False


def state_with(*events) -> PlayerState:  # type: ignore[no-untyped-def]
    state = PlayerState("p1")
    for e in events:
        state.apply(e, horizon_ms=HORIZON_MS)
    return state


def test_dependencies_pick_the_cards_an_event_can_change() -> None:
    cards = [ACTIVE, HIGH, NET, VIP]
    assert affected_cards(cards, {"bet_placed"}) == [ACTIVE, HIGH]
    assert affected_cards(cards, {"bet_settled"}) == [NET]
    assert affected_cards(cards, {"deposit_made"}) == []
    assert ACTIVE.clock_dependent and not HIGH.clock_dependent


def test_enter_then_leave_as_the_clock_passes() -> None:
    state = state_with(placed(1, 20_000, at(hours=1)))
    first = evaluate(state, [ACTIVE, HIGH], clock=at(hours=1), is_listed=nobody)
    assert first.entered == [1, 6] and first.exited == [] and first.due_changed
    assert due_at(state) == ms(at(hours=25))  # the bet leaves the 24-hour window
    later = evaluate(state, [ACTIVE], clock=at(hours=25), is_listed=nobody)
    assert later.exited == [6] and later.after == frozenset({1})
    assert due_at(state) is None


def test_static_cards_follow_the_list() -> None:
    state = PlayerState("p1")
    listed = evaluate(state, [VIP], clock=at(), is_listed=lambda c, p: (c, p) == (11, "p1"))
    assert listed.entered == [11]
    unlisted = evaluate(state, [VIP], clock=at(), is_listed=nobody)
    assert unlisted.exited == [11]


def test_deleted_cards_are_forgotten() -> None:
    state = PlayerState("p1", cards={1, 6}, due={6: 5})
    assert forget_cards(state, {1: HIGH}) == [6]
    assert state.cards == {1} and state.due == {}


def test_change_events_carry_deterministic_ids_and_the_card_set() -> None:
    state = state_with(placed(1, 20_000, at(hours=1)))
    ev = evaluate(state, [ACTIVE, HIGH], clock=at(hours=1), is_listed=nobody)
    out = [orjson.loads(b) for b in membership_events("p1", ev, event_cause("bet:1:placed", at()))]
    assert [e["event_id"] for e in out] == [
        "card:1:entered:bet:1:placed",
        "card:6:entered:bet:1:placed",
    ]
    assert all(e["cards"] == [1, 6] and e["cause"] == "event" for e in out)
    assert clock_cause(99, "p1", at()).cause_id == "clock:99:p1"
    assert backfill_cause(3, 2, "p1", at(), static=True).cause == "upload"
