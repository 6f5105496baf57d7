"""A batch reduces to the latest card set per player and every card that changed."""

from __future__ import annotations

from datetime import UTC, datetime

from segment_svc.domain.batch import per_player
from segshared.contracts import CardMembershipChanged

T0 = datetime(2021, 1, 1, tzinfo=UTC)


def _event(n: int, player: str, card: int, change: str, cards: list[int]) -> CardMembershipChanged:
    return CardMembershipChanged.model_validate(
        {"event_id": f"e{n}", "version": 1, "occurred_at": T0, "player_id": player,
         "card_id": card, "change": change, "cards": cards, "cause": "event"}
    )  # fmt: skip


def test_latest_event_wins_and_changed_cards_accumulate() -> None:
    work = per_player(
        [
            (0, _event(1, "a", 1, "entered", [1])),
            (1, _event(2, "b", 2, "entered", [2])),
            (0, _event(3, "a", 3, "entered", [1, 3])),
            (0, _event(4, "a", 1, "exited", [3])),
        ]
    )
    assert set(work) == {"a", "b"}
    a = work["a"]
    assert (a.cards, a.changed, a.cause_event_id, a.shard) == (frozenset({3}), {1, 3}, "e4", 0)
    assert a.occurred_at == "2021-01-01T00:00:00Z"
    assert work["b"].changed == {2}
