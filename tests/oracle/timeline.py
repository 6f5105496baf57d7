"""Entries and exits of a segment of all-time cards, event by event (plain Python only).

The segment is "Frequent net losers": at least 20 bets in all AND a net result below -1,000.
Each bet of the file is two player events, ``bet_placed`` (one more bet) then ``bet_settled``
(a loss adds the stake to the losses, a win adds the profit to the winnings), and membership
is judged after each of them, so a player can enter on a ``bet_placed`` and leave again on the
``bet_settled`` of the same bet. Windowed cards are left out on purpose: their flaps depend on
the stream clock (ADR 0003), so no oracle can predict them event by event.

Shares no code with the services; like ``figures``, sums are plain ``+=`` left folds in
(played_at, bet_id) order, the order the services add in, so thresholds are met bit for bit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from .rows import Row

FREQUENT_NET_LOSERS = "Frequent net losers"
MIN_BETS = 20  # "Frequent players": count of bet_placed >= 20, all time
NET_BELOW = -1_000.0  # "Net losers": net_result < -1000

Change = Literal["entered", "exited"]
Step = Literal["bet_placed", "bet_settled"]


@dataclass(frozen=True, slots=True)
class Transition:
    """A player entered or exited after the ``step`` event of bet ``bet_id``."""

    change: Change
    bet_id: int
    step: Step


@dataclass(slots=True)
class Timeline:
    """One player's transitions in order; entries and exits alternate, starting with an entry."""

    player_id: str
    transitions: list[Transition] = field(default_factory=list)

    @property
    def entries(self) -> int:
        return sum(1 for t in self.transitions if t.change == "entered")

    @property
    def exits(self) -> int:
        return sum(1 for t in self.transitions if t.change == "exited")

    @property
    def member(self) -> bool:
        """Whether the player is a member after the last event."""
        return bool(self.transitions) and self.transitions[-1].change == "entered"

    @property
    def changes(self) -> list[Change]:
        return [t.change for t in self.transitions]


@dataclass(slots=True)
class _State:
    bets: int = 0
    won: float = 0.0
    lost: float = 0.0
    member: bool = False


def _is_member(state: _State, *, min_bets: int, net_below: float) -> bool:
    return state.bets >= min_bets and (state.won - state.lost) < net_below


def membership_timeline(
    rows: Iterable[Row],
    *,
    min_bets: int = MIN_BETS,
    net_below: float = NET_BELOW,
    after: dict[tuple[int, Step], bool] | None = None,
) -> dict[str, Timeline]:
    """Transitions per player who ever entered (players who never did are absent).

    Rows are taken in replay order, (played_at, bet_id as an integer), whatever order they
    are given in (a stable sort: ``load_bets`` already returns them so). ``after``, when
    given, is filled with the membership after every event: (bet_id, step) -> member.
    """
    ordered = sorted(rows, key=lambda row: (row.played_at, row.bet_id))
    states: dict[str, _State] = {}
    timelines: dict[str, Timeline] = {}

    def judge(row: Row, state: _State, step: Step) -> None:
        now = _is_member(state, min_bets=min_bets, net_below=net_below)
        if after is not None:
            after[(row.bet_id, step)] = now
        if now == state.member:
            return
        state.member = now
        timeline = timelines.get(row.player_id)
        if timeline is None:
            timeline = timelines[row.player_id] = Timeline(row.player_id)
        timeline.transitions.append(Transition("entered" if now else "exited", row.bet_id, step))

    for row in ordered:
        state = states.get(row.player_id)
        if state is None:
            state = states[row.player_id] = _State()
        state.bets += 1
        judge(row, state, "bet_placed")
        # A bet is won iff the file gives it a profit; a lost bet loses its stake.
        if row.profit is None:
            state.lost += row.bet
        else:
            state.won += row.profit
        judge(row, state, "bet_settled")
    return timelines


def entry_counts(timelines: dict[str, Timeline]) -> dict[str, int]:
    """Player -> entries (every player of ``timelines`` entered at least once)."""
    return {pid: t.entries for pid, t in timelines.items()}


def exit_counts(timelines: dict[str, Timeline]) -> dict[str, int]:
    """Player -> exits, for the players who exited at least once."""
    return {pid: t.exits for pid, t in timelines.items() if t.exits}
