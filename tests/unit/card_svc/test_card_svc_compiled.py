"""Compiled card rules equal segshared.rules on random players, rules and clocks."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any

from card_svc_events import HORIZON_MS, at, event, placed, settled

from card_svc.domain.cards import CardDef, evaluate
from card_svc.domain.compiled import clock_ms_of
from card_svc.domain.facts import StateFacts
from card_svc.domain.profile import ms_to_dt
from card_svc.domain.state import PlayerState
from segshared.rules import evaluate_card_rule, next_clock_change, parse_card_rule

WINDOWS = (
    {"last": 2, "unit": "days"},
    {"last": 36, "unit": "hours"},
    {"last": 90, "unit": "minutes"},
)
METRICS: tuple[tuple[str, str, str | None], ...] = (
    ("count", "bet_placed", None),
    ("sum", "bet_placed", "amount"),
    ("max", "bet_placed", "amount"),
    ("min", "bet_won", "multiplier"),
    ("sum", "bet_won", "bonus"),
    ("count", "bet_lost", None),
    ("first", "bet_placed", "amount"),
    ("last", "bet_lost", "amount"),
    ("sum", "deposit_made", "amount"),
    ("last", "bet_placed", None),
)
FIELDS = ("net_result", "bets_count", "total_wagered", "country", "email_opt_in", "last_bet_at")
OPS = ("eq", "ne", "lt", "lte", "gt", "gte")


def random_player(rng: random.Random) -> PlayerState:
    state = PlayerState("p1")
    events = []
    if rng.random() < 0.7:
        events.append(
            event("player_registered", "reg", at(days=0), country=rng.choice(["DE", "AT"]))
        )
    for i in range(rng.randint(0, 12)):
        when = at(hours=rng.randint(0, 24 * 6), minutes=rng.choice([0, 30]))
        stake = rng.choice([1, 5, 10, 50.5, 100])
        won = rng.random() < 0.5
        events.append(placed(i, stake, when))
        bonus = rng.choice([None, 0.5, 2])
        events.append(
            settled(i, when, won=won, amount=stake * 1.5, stake=stake, multiplier=1.5, bonus=bonus)
        )
        if rng.random() < 0.2:
            events.append(event("deposit_made", f"d{i}", when, amount=rng.choice([10, 20])))
    rng.shuffle(events)
    for e in events:
        state.apply(e, horizon_ms=HORIZON_MS)
    return state


def random_condition(rng: random.Random) -> dict[str, Any]:
    op = rng.choice(OPS)
    if rng.random() < 0.3:
        name = rng.choice(FIELDS)
        if name == "country":
            return {"field": name, "op": rng.choice(["eq", "ne"]), "value": "DE"}
        if name == "email_opt_in":
            return {"field": name, "op": "eq", "value": rng.random() < 0.5}
        if name == "last_bet_at":
            value: Any = {"ago": rng.randint(1, 72), "unit": "hours"}
            if rng.random() < 0.5:
                value = "2021-11-03T00:00:00Z"
            return {"field": name, "op": rng.choice(["lt", "gte"]), "value": value}
        return {"field": name, "op": op, "value": rng.choice([0, 3, 10, -5, 100.5])}
    fn, kind, prop = rng.choice(METRICS)
    metric: dict[str, Any] = {"fn": fn, "event": kind}
    if prop is not None:
        metric["property"] = prop
    if rng.random() < 0.5:
        metric["window"] = rng.choice(WINDOWS)
    if fn in ("first", "last") and prop is None:
        return {"metric": metric, "op": rng.choice(["lt", "gte"]), "value": "2021-11-03T12:00:00Z"}
    return {"metric": metric, "op": op, "value": rng.choice([0, 1, 2, 10, 50.5, 150])}


def random_rule(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    if depth < 2 and rng.random() < 0.4:
        kind = rng.choice(["all", "any"])
        return {kind: [random_rule(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    return random_condition(rng)


def clocks(rng: random.Random) -> list[datetime]:
    return [at(hours=rng.randint(0, 24 * 8), minutes=rng.randint(0, 59)) for _ in range(3)]


def test_compiled_rules_equal_the_reference_evaluation() -> None:
    rng = random.Random(20261203)
    checked = 0
    for _ in range(600):
        raw = random_rule(rng)
        card = CardDef.build(id=1, revision=1, kind="rule", rule=raw)
        assert card.check is not None
        rule = parse_card_rule(raw)
        for _ in range(3):
            state = random_player(rng)
            for clock in clocks(rng):
                facts = StateFacts(state)
                expected = bool(evaluate_card_rule(rule, facts, clock))
                assert card.check(facts, clock) == expected, (raw, clock)
                checked += 1
                if card.next_change is None:
                    continue
                want = next_clock_change(rule, facts, clock)
                clock_ms = clock_ms_of(clock)
                assert clock_ms is not None
                got = card.next_change(facts, clock_ms)
                assert (None if got is None else ms_to_dt(got)) == want, (raw, clock)
    assert checked == 600 * 9


def test_evaluate_sets_the_same_due_times_as_the_generic_form() -> None:
    rng = random.Random(7)
    for _ in range(300):
        raw = random_rule(rng)
        compiled = CardDef.build(id=1, revision=1, kind="rule", rule=raw)
        generic = CardDef(
            id=1,
            revision=1,
            kind="rule",
            rule=compiled.rule,
            events=compiled.events,
            clock_dependent=compiled.clock_dependent,
        )
        state = random_player(rng)
        clock = at(hours=rng.randint(0, 24 * 8), minutes=rng.randint(0, 59))
        a, b = PlayerState.from_json(state.to_json()), PlayerState.from_json(state.to_json())
        ev_a = evaluate(a, [compiled], clock=clock, is_listed=lambda c, p: False)
        ev_b = evaluate(b, [generic], clock=clock, is_listed=lambda c, p: False)
        assert (a.cards, a.due, ev_a.entered, ev_a.exited) == (
            b.cards,
            b.due,
            ev_b.entered,
            ev_b.exited,
        )


def test_clock_ms_of_needs_a_whole_millisecond() -> None:
    assert clock_ms_of(at(days=1)) == int(at(days=1).timestamp() * 1000)
    assert clock_ms_of(at(days=1) + timedelta(microseconds=1)) is None
    assert not math.isnan(float(clock_ms_of(at(days=2)) or 0))
