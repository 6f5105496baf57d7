"""A batch becomes one step per new card event per player, in order; applied ones are skipped."""

from __future__ import annotations

from datetime import UTC, datetime

from segment_svc.domain.batch import PlayerWork, fingerprint, group_per_player, new_work
from segshared.contracts import CardMembershipChanged

T0 = datetime(2021, 1, 1, tzinfo=UTC)


def _event(n: int, player: str, card: int, change: str, cards: list[int]) -> CardMembershipChanged:
    return CardMembershipChanged.model_validate(
        {"event_id": f"e{n}", "version": 1, "occurred_at": T0, "player_id": player,
         "card_id": card, "change": change, "cards": cards, "cause": "event"}
    )  # fmt: skip


GROUPS = group_per_player(
    [
        (0, _event(1, "a", 1, "entered", [1])),
        (1, _event(2, "b", 2, "entered", [2])),
        (0, _event(3, "a", 3, "entered", [1, 3])),
        (0, _event(4, "a", 1, "exited", [3])),
    ]
)


def _steps(work: PlayerWork) -> list[tuple[frozenset[int], int, str]]:
    return [(frozenset(s.cards), s.card_id, s.event_id) for s in work.steps]


def test_every_new_event_is_a_step_in_order() -> None:
    assert set(GROUPS) == {"a", "b"}
    a = new_work(GROUPS["a"], frozenset())
    assert a is not None and a.shard == 0
    assert _steps(a) == [(frozenset({1}), 1, "e1"), (frozenset({1, 3}), 3, "e3"),
                         (frozenset({3}), 1, "e4")]  # fmt: skip
    assert a.applied == (fingerprint("e1"), fingerprint("e3"), fingerprint("e4"))


def test_applied_events_are_skipped() -> None:
    everything = frozenset(fingerprint(f"e{n}") for n in (1, 3, 4))
    assert new_work(GROUPS["a"], everything) is None
    # a redelivered prefix is dropped; what follows it is new
    partly = new_work(GROUPS["a"], frozenset({fingerprint("e1"), fingerprint("e3")}))
    assert partly is not None
    assert _steps(partly) == [(frozenset({3}), 1, "e4")]
    assert partly.applied == (fingerprint("e4"),)


def test_duplicates_within_a_batch_count_once() -> None:
    groups = group_per_player([(0, _event(1, "a", 1, "entered", [1]))] * 3)
    work = new_work(groups["a"], frozenset())
    assert work is not None and work.applied == (fingerprint("e1"),)


def test_events_before_an_applied_one_are_replays_even_if_forgotten() -> None:
    # e1 aged out of the remembered fingerprints, e3 is still remembered: e1 precedes e3 in
    # partition order, so it was delivered (and applied) before e3 and is skipped too
    work = new_work(GROUPS["a"], frozenset({fingerprint("e3")}))
    assert work is not None
    assert _steps(work) == [(frozenset({3}), 1, "e4")]
    assert work.applied == (fingerprint("e4"),)
