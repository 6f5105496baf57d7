"""Sanity of the oracle on the shipped bets file (data/bustabit/bets.csv.gz)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.oracle.bets_oracle import (
    CARD_NAMES,
    DEFAULT_BETS_PATH,
    ORIGINAL_BETS_PATH,
    SEGMENT_NAMES,
    Row,
    card_members,
    clock,
    load_bets,
    player_figures,
    segment_members,
)

# Reads the shipped file from the checkout; still fast (about half a second).
pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return load_bets(DEFAULT_BETS_PATH)


def test_file_shape(rows: list[Row]) -> None:
    assert len(rows) == 50_000
    assert len({r.bet_id for r in rows}) == 50_000
    assert len(player_figures(rows)) == 4_147
    assert len({r.game_id for r in rows}) > 40_000
    assert clock(rows) == datetime(2021, 12, 10, 20, 9, 12, tzinfo=UTC)


def test_figures_add_up(rows: list[Row]) -> None:
    figs = player_figures(rows).values()
    assert sum(f.bets_count for f in figs) == 50_000
    assert all(f.wins_count + f.losses_count == f.bets_count for f in figs)
    assert sum(f.wins_count for f in figs) == sum(1 for r in rows if r.won)


def test_every_card_and_segment_is_a_proper_nonempty_subset(rows: list[Row]) -> None:
    everyone = set(player_figures(rows))
    cards = card_members(rows)
    assert tuple(cards) == CARD_NAMES
    for name, members in cards.items():
        assert members, name
        assert members < everyone, name  # every id is a real player, and not all of them
    segments = segment_members(cards)
    assert tuple(segments) == SEGMENT_NAMES
    for name, members in segments.items():
        assert members and members < everyone, name


@pytest.mark.skipif(not ORIGINAL_BETS_PATH.exists(), reason="shared original not present")
def test_shipped_gzip_equals_the_original_csv(rows: list[Row]) -> None:
    assert load_bets(ORIGINAL_BETS_PATH) == rows
