"""The whole bets file through the running services, compared member for member with the oracle.

One stack serves the module (see conftest.replayed); the tests run in file order and the last
one moves the stream clock, so it stays last.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from segshared.topics import CARD_MEMBERSHIP, PLAYER_EVENTS, SEGMENT_MEMBERSHIP
from tests.e2e.checks import check_state, event_diffs, only, window_bet
from tests.e2e.diffs import apply_changes, report, row_diffs, set_diff
from tests.e2e.kafka_io import end_offsets, per_topic, publish_events, records_between
from tests.e2e.pipeline import Pipeline
from tests.e2e.readers import parse_figure
from tests.oracle.bets_oracle import (
    CARD_NAMES,
    SEGMENT_NAMES,
    Row,
    card_members,
    clock,
    player_figures,
    profile_row,
    segment_members,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]

ACTIVE_24H = "Active in the last 24 hours"
PROFILE_CARD = "Frequent players"
FIGURES: tuple[str, ...] = (
    "bets_count", "total_wagered", "biggest_bet", "first_bet_at", "last_bet_at", "wins_count",
    "losses_count", "total_won", "total_lost", "net_result", "biggest_win", "best_multiplier",
    "total_bonus",
)  # fmt: skip
OUTPUT_TOPICS = (CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP)


def test_catalog_is_seeded(replayed: Pipeline) -> None:
    assert set(CARD_NAMES) <= set(replayed.card_ids), sorted(replayed.card_ids)
    assert set(SEGMENT_NAMES) <= set(replayed.segment_ids), sorted(replayed.segment_ids)


def test_every_card_and_segment_matches_the_oracle(
    replayed: Pipeline,
    oracle_cards: dict[str, set[str]],
    oracle_segments: dict[str, set[str]],
) -> None:
    check_state(replayed, oracle_cards, oracle_segments, api=True)


def test_membership_events_add_up_to_the_sets(
    replayed: Pipeline,
    oracle_cards: dict[str, set[str]],
    oracle_segments: dict[str, set[str]],
) -> None:
    """Every entered/exited record since the start, applied in order, gives the final sets."""
    ends = end_offsets(replayed.stack.bootstrap, OUTPUT_TOPICS)
    lines = []
    for topic, id_field, names, want in (
        (CARD_MEMBERSHIP, "card_id", replayed.card_ids, oracle_cards),
        (SEGMENT_MEMBERSHIP, "segment_id", replayed.segment_ids, oracle_segments),
    ):
        records = records_between(replayed.stack.bootstrap, {}, only(ends, topic))
        got = apply_changes({}, records, id_field=id_field)
        for name, members in want.items():
            line = set_diff(f"{topic} {name!r}", got.get(names[name], set()), members)
            lines += [line] if line else []
    assert not lines, report("the membership topics do not add up:", lines)


def test_card_members_page_shows_oracle_figures(
    replayed: Pipeline, oracle_rows: list[Row], oracle_cards: dict[str, set[str]]
) -> None:
    card_id = replayed.card_ids[PROFILE_CARD]
    rows, total = replayed.api.card_rows(card_id, FIGURES)
    assert total == len(oracle_cards[PROFILE_CARD])
    figures = player_figures(oracle_rows)
    got = {str(r["player_id"]): {k: parse_figure(v) for k, v in r.items()} for r in rows}
    want = {
        pid: {k: v for k, v in profile_row(figures[pid]).items() if k in FIGURES}
        for pid in oracle_cards[PROFILE_CARD]
    }
    lines = row_diffs(got, want)
    assert not lines, report(f"figures of {PROFILE_CARD!r} members differ:", lines)


def test_replaying_again_changes_nothing(
    replayed: Pipeline,
    oracle_cards: dict[str, set[str]],
    oracle_segments: dict[str, set[str]],
) -> None:
    bootstrap = replayed.stack.bootstrap
    before = end_offsets(bootstrap, (PLAYER_EVENTS, *OUTPUT_TOPICS))

    stats = replayed.replay()

    after = end_offsets(bootstrap, (PLAYER_EVENTS, *OUTPUT_TOPICS))
    grown = {t: per_topic(after)[t] - per_topic(before).get(t, 0) for t in per_topic(after)}
    assert grown[PLAYER_EVENTS] == stats.events
    emitted = [t for t in OUTPUT_TOPICS if grown[t]]
    if emitted:
        wanted = {tp: n for tp, n in after.items() if tp.topic in emitted}
        records = records_between(bootstrap, before, wanted)
        shown = [f"{r.get('event_id')} ({r.get('cause')})" for r in records[:20]]
        pytest.fail(report(f"the second replay emitted {grown}:", shown))
    check_state(replayed, oracle_cards, oracle_segments, api=False)


def test_window_card_empties_as_the_clock_passes(
    replayed: Pipeline,
    oracle_rows: list[Row],
    oracle_cards: dict[str, set[str]],
    oracle_segments: dict[str, set[str]],
) -> None:
    """A bet 25 hours after the last one: every earlier active player leaves, with no event."""
    bootstrap = replayed.stack.bootstrap
    player = "e2e-window-player"
    assert player not in {r.player_id for r in oracle_rows}
    new_clock = clock(oracle_rows) + timedelta(hours=25)
    row, events = window_bet(player, new_clock, bet_id=9_000_000_001)
    before = end_offsets(bootstrap, (PLAYER_EVENTS, *OUTPUT_TOPICS))

    publish_events(bootstrap, PLAYER_EVENTS, events, replayed.partitions)
    replayed.wait_idle()

    want_cards = card_members([*oracle_rows, row], clock=new_clock)
    want_segments = segment_members(want_cards)
    assert want_cards[ACTIVE_24H] == {player}
    check_state(replayed, want_cards, want_segments, api=True)
    after = end_offsets(bootstrap, (PLAYER_EVENTS, *OUTPUT_TOPICS))
    assert per_topic(after)[PLAYER_EVENTS] - per_topic(before)[PLAYER_EVENTS] == 2
    card_records = records_between(bootstrap, before, only(after, CARD_MEMBERSHIP))
    active_id = replayed.card_ids[ACTIVE_24H]
    left = {
        r["player_id"]
        for r in card_records
        if r["card_id"] == active_id and r["change"] == "exited" and r["cause"] == "clock"
    }
    diff = set_diff("players leaving Active on the clock", left, oracle_cards[ACTIVE_24H])
    assert diff is None, diff
    lines = event_diffs(replayed.card_ids, oracle_cards, want_cards, card_records, "card_id")
    segment_records = records_between(bootstrap, before, only(after, SEGMENT_MEMBERSHIP))
    lines += event_diffs(
        replayed.segment_ids, oracle_segments, want_segments, segment_records, "segment_id"
    )
    assert not lines, report("the records emitted do not move the sets as expected:", lines)
