"""The membership timeline oracle on small hand-checked sequences, and on the real file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.oracle.bets_oracle import card_members, load_bets
from tests.oracle.rows import Row
from tests.oracle.timeline import (
    Step,
    Transition,
    entry_counts,
    exit_counts,
    membership_timeline,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)


class Bets:
    """Builds one player's bets one minute apart, with increasing bet ids."""

    def __init__(self, player: str = "p1", start_id: int = 1, start: datetime = T0) -> None:
        self.player, self.next_id, self.at = player, start_id, start
        self.rows: list[Row] = []

    def _add(self, bet: float, profit: float | None) -> int:
        bet_id = self.next_id
        self.rows.append(Row(bet_id=bet_id, game_id=bet_id, player_id=self.player, bet=bet,
                             cashed_out=None if profit is None else 2.0, bonus=None,
                             profit=profit, busted_at=2.0, played_at=self.at))  # fmt: skip
        self.next_id += 1
        self.at += timedelta(minutes=1)
        return bet_id

    def lose(self, stake: float, times: int = 1) -> int:
        return [self._add(stake, None) for _ in range(times)][-1]

    def win(self, stake: float, profit: float) -> int:
        return self._add(stake, profit)


def test_entry_waits_for_the_twentieth_bet_placed() -> None:
    """Losses pass -1,000 at bet 11 (net -1,100) but the player is frequent only at bet 20."""
    bets = Bets()
    bets.lose(100, times=19)
    twentieth = bets.lose(100)

    timeline = membership_timeline(bets.rows)["p1"]

    # Entered on the bet_placed of bet 20 (count 20, net -1,900 from bets 1-19).
    assert timeline.transitions == [Transition("entered", twentieth, "bet_placed")]
    assert (timeline.entries, timeline.exits, timeline.member) == (1, 0, True)


def test_entry_on_a_settlement_after_twenty_bets() -> None:
    bets = Bets()
    bets.lose(10, times=25)  # net -250: frequent, not a loser
    crossing = bets.lose(800)  # net -1,050 once settled

    timeline = membership_timeline(bets.rows)["p1"]

    assert timeline.transitions == [Transition("entered", crossing, "bet_settled")]


def test_a_bet_can_enter_on_placed_and_exit_on_settled() -> None:
    """Net -1,900 after 19 losses; bet 20 enters on placed and its win of 1,000 exits."""
    bets = Bets()
    bets.lose(100, times=19)
    flap = bets.win(100, 1_000)

    timeline = membership_timeline(bets.rows)["p1"]

    assert timeline.transitions == [
        Transition("entered", flap, "bet_placed"),
        Transition("exited", flap, "bet_settled"),
    ]
    assert (timeline.entries, timeline.exits, timeline.member) == (1, 1, False)


def test_several_entries_and_exits_alternate() -> None:
    bets = Bets()
    bets.lose(100, times=20)  # enters on bet 20's placed (net -1,900 then -2,000)
    out1 = bets.win(10, 1_500)  # net -500: exits
    in2 = bets.lose(600)  # net -1,100: enters
    still = bets.lose(5)  # net -1,105: no change
    out2 = bets.win(10, 105)  # net -1,000: not *below* -1,000, exits
    in3 = bets.lose(0.5)  # net -1,000.5: enters again

    timeline = membership_timeline(bets.rows)["p1"]

    assert timeline.changes == ["entered", "exited", "entered", "exited", "entered"]
    assert [t.bet_id for t in timeline.transitions[1:]] == [out1, in2, out2, in3]
    assert all(t.bet_id != still for t in timeline.transitions)
    assert [t.step for t in timeline.transitions[1:]] == ["bet_settled"] * 4
    assert (timeline.entries, timeline.exits, timeline.member) == (3, 2, True)


def test_thresholds_are_gte_20_bets_and_strictly_below_minus_1000() -> None:
    exactly = Bets("exactly")
    exactly.lose(50, times=20)  # 20 bets, net exactly -1,000: not a member
    nineteen = Bets("nineteen", start_id=100)
    nineteen.lose(1_000, times=19)  # net -19,000 but 19 bets
    twenty = Bets("twenty", start_id=200)
    twenty.lose(50.5, times=20)  # 20 bets, net -1,010

    timelines = membership_timeline([*exactly.rows, *nineteen.rows, *twenty.rows])

    assert set(timelines) == {"twenty"}
    assert entry_counts(timelines) == {"twenty": 1}
    assert exit_counts(timelines) == {}


def test_rows_are_taken_in_replay_order_not_given_order() -> None:
    """Sorted by played_at then bet id: a shuffled list gives the same timeline."""
    bets = Bets()
    bets.lose(100, times=20)
    bets.win(10, 1_500)
    same_time = bets.at
    # Two bets at the same instant: bet id decides (the loss 501 first, then the win 500 is
    # not taken first even though it is given first).
    late_win = Row(bet_id=501, game_id=1, player_id="p1", bet=1.0, cashed_out=2.0,
                   bonus=None, profit=2_000.0, busted_at=2.0, played_at=same_time)  # fmt: skip
    loss = Row(bet_id=500, game_id=1, player_id="p1", bet=700.0, cashed_out=None,
               bonus=None, profit=None, busted_at=1.0, played_at=same_time)  # fmt: skip
    rows = [late_win, *reversed(bets.rows), loss]

    timeline = membership_timeline(rows)["p1"]

    # ..., exit on the first win, enter on the loss 500 (net -1,200), exit on the win 501.
    assert timeline.changes == ["entered", "exited", "entered", "exited"]
    assert [t.bet_id for t in timeline.transitions[2:]] == [500, 501]


def test_membership_after_every_event_can_be_collected() -> None:
    bets = Bets()
    bets.lose(100, times=19)
    flap = bets.win(100, 1_000)
    after: dict[tuple[int, Step], bool] = {}

    membership_timeline(bets.rows, after=after)

    assert len(after) == 40
    assert after[(flap, "bet_placed")] is True and after[(flap, "bet_settled")] is False
    assert not any(v for (bet_id, _), v in after.items() if bet_id != flap)


def test_players_are_independent() -> None:
    a, b = Bets("a"), Bets("b", start_id=1000)
    a.lose(100, times=20)
    b.lose(10, times=30)

    timelines = membership_timeline([*a.rows, *b.rows])

    assert set(timelines) == {"a"}


@pytest.fixture(scope="module")
def real_rows() -> list[Row]:
    return load_bets()


def test_real_file_ends_where_the_card_oracle_does(real_rows: list[Row]) -> None:
    """Two independent routes agree: the last state of each timeline is the final AND."""
    timelines = membership_timeline(real_rows)
    cards = card_members(real_rows)
    final = cards["Frequent players"] & cards["Net losers"]

    assert {pid for pid, t in timelines.items() if t.member} == final
    for t in timelines.values():
        assert t.changes == ["entered", "exited"] * t.exits + ["entered"] * (t.entries - t.exits)
    # The file does exercise the non-monotone paths the e2e tests rely on.
    assert any(t.entries > 1 for t in timelines.values())
    assert any(
        a.bet_id == b.bet_id for t in timelines.values()
        for a, b in zip(t.transitions, t.transitions[1:], strict=False)
    )  # fmt: skip
