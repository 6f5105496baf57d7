"""The in-process cache of committed player states: used only for the exact stored bytes."""

from __future__ import annotations

from datetime import UTC, datetime

from card_svc_events import HORIZON_MS, at, placed, settled

from card_svc.adapters.state_cache import StateCache, round_trips
from card_svc.domain.state import PlayerState


def player(pid: str = "p1") -> PlayerState:
    state = PlayerState(pid)
    for e in (
        placed(1, 10, at(days=1), player=pid),
        settled(1, at(days=1), won=True, amount=5, stake=10, multiplier=1.5, player=pid),
    ):
        state.apply(e, horizon_ms=HORIZON_MS)
    state.attrs.update(country="DE", email_opt_in=True, registered_at=123)
    return state


def test_a_cached_state_is_handed_out_once_for_the_bytes_it_was_stored_with() -> None:
    cache, state = StateCache(), player()
    raw = state.to_json()
    cache.put("k", raw, state)
    assert cache.take("k", raw + b" ") is None  # someone else wrote: parse what Redis has
    cache.put("k", raw, state)
    assert cache.take("k", raw) is state
    assert cache.take("k", raw) is None


def test_only_states_that_read_back_equal_are_cached() -> None:
    state = player()
    assert round_trips(state)
    assert PlayerState.from_json(state.to_json()) == state
    state.attrs["attributes.birthday"] = datetime(2000, 1, 1, tzinfo=UTC)  # stored as text
    assert not round_trips(state)
    cache = StateCache()
    cache.put("k", state.to_json(), state)
    assert cache.take("k", state.to_json()) is None
    overflow = player()
    overflow.aggs["bet_placed"].props["amount"][0] = float("inf")  # stored as null
    assert not round_trips(overflow)


def test_the_cache_is_bounded() -> None:
    cache = StateCache(capacity=2)
    states = {k: player(k) for k in ("a", "b", "c")}
    for k, s in states.items():
        cache.put(k, s.to_json(), s)
    assert cache.take("a", states["a"].to_json()) is None
    assert cache.take("c", states["c"].to_json()) is states["c"]
