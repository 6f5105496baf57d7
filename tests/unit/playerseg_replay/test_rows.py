"""Row -> events mapping of the replay (docs/default-catalog.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from playerseg.replay.events import bet_events
from playerseg.replay.rows import (
    REQUIRED_COLUMNS,
    RowError,
    bet_id_key,
    missing_columns,
    parse_bet,
)
from segshared.contracts import decode_player_event, encode

WON = {
    "bet_id": "1155",
    "game_id": "3294812",
    "player_id": "100003",
    "bet": "200",
    "cashed_out": "1.5",
    "bonus": "2",
    "profit": "100",
    "busted_at": "1.75",
    "played_at": "2021-10-31T15:38:55Z",
}
LOST = {**WON, "bet_id": "854", "cashed_out": "", "bonus": "", "profit": ""}


def test_won_bet_becomes_placed_then_settled_won() -> None:
    placed, settled = bet_events(parse_bet(WON, line=2))

    assert placed.event_id == "bet:1155:placed"
    assert placed.type == "bet_placed"
    assert placed.player_id == "100003"
    assert placed.occurred_at == datetime(2021, 10, 31, 15, 38, 55, tzinfo=UTC)
    assert placed.data.amount == 200
    assert placed.data.bet_id == "1155"
    assert placed.data.game_id == "3294812"
    assert settled.event_id == "bet:1155:settled"
    assert settled.occurred_at == placed.occurred_at
    data = settled.data
    assert (data.outcome, data.amount, data.stake) == ("won", 100, 200)
    assert (data.multiplier, data.busted_at) == (1.5, 1.75)
    assert data.bonus == pytest.approx(4.0)  # 2 % of a 200 stake


def test_lost_bet_settles_for_the_stake_without_multiplier_or_bonus() -> None:
    _, settled = bet_events(parse_bet(LOST, line=3))

    data = settled.data
    assert (data.outcome, data.amount, data.stake, data.busted_at) == ("lost", 200, 200, 1.75)
    assert data.multiplier is None
    assert data.bonus is None


def test_won_bet_without_bonus_has_no_bonus() -> None:
    _, settled = bet_events(parse_bet({**WON, "bonus": ""}, line=2))
    assert settled.data.bonus is None


def test_events_round_trip_through_the_shared_codec() -> None:
    for event in bet_events(parse_bet(WON, line=2)):
        raw = encode(event)
        assert decode_player_event(raw) == event
        assert orjson.loads(raw)["version"] == 1


def test_time_without_zone_is_read_as_utc() -> None:
    bet = parse_bet({**WON, "played_at": "2021-10-31T15:38:55"}, line=2)
    assert bet.played_at == datetime(2021, 10, 31, 15, 38, 55, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"bet": "abc"}, "bet: 'abc' is not a number"),
        ({"bet": ""}, "bet is empty"),
        ({"bet": "nan"}, "not a finite number"),
        ({"player_id": ""}, "player_id is empty"),
        ({"bet_id": " "}, "bet_id is empty"),
        ({"played_at": "yesterday"}, "played_at: 'yesterday' is not an ISO 8601 time"),
        ({"profit": "x1"}, "profit: 'x1' is not a number"),
    ],
)
def test_bad_values_are_reported_with_line_and_reason(change: dict[str, str], reason: str) -> None:
    with pytest.raises(RowError) as caught:
        parse_bet({**WON, **change}, line=7)
    assert caught.value.line == 7
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("change", "where"),
    [({"bet": "-5"}, "data.amount"), ({"player_id": "bad id!"}, "player_id")],
)
def test_values_the_contract_refuses_are_row_errors(change: dict[str, str], where: str) -> None:
    with pytest.raises(RowError) as caught:
        bet_events(parse_bet({**WON, **change}, line=9))
    assert caught.value.line == 9
    assert caught.value.reason.startswith(where)


def test_missing_columns_are_named_in_the_documented_order() -> None:
    assert missing_columns(REQUIRED_COLUMNS) == []
    header = ["extra", *REQUIRED_COLUMNS[2:], "more"]
    header.remove("profit")
    assert missing_columns(header) == ["bet_id", "game_id", "profit"]


def test_order_is_time_then_numeric_bet_id() -> None:
    rows = [
        {**WON, "bet_id": "10", "played_at": "2021-11-01T00:00:00Z"},
        {**WON, "bet_id": "9", "played_at": "2021-11-01T00:00:00Z"},
        {**WON, "bet_id": "100", "played_at": "2021-10-31T23:59:59Z"},
        {**WON, "bet_id": "a1", "played_at": "2021-11-01T00:00:00Z"},
    ]
    bets = sorted((parse_bet(r, line=i) for i, r in enumerate(rows, 2)), key=lambda b: b.sort_key())
    assert [b.bet_id for b in bets] == ["100", "9", "10", "a1"]
    assert bet_id_key("9") < bet_id_key("10") < bet_id_key("a")
