"""Exports of the running stack after the real bets replay, compared with the oracle.

Every default card and segment is exported through the HTTP API (direct stream and a job) and
must equal the oracle's members x field values exactly; the last test exports while new
players stream in and checks the snapshot. A module of its own: one stack (see conftest).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from segshared.topics import PLAYER_EVENTS
from tests.e2e.export_checks import FIGURES, exported_rows, oracle_row, read_csv, wait_for_job
from tests.e2e.kafka_io import big_bets, publish_events
from tests.e2e.pipeline import Pipeline
from tests.oracle.bets_oracle import Figures, Row, clock, player_figures

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]
COLUMNS = ",".join(("player_id", *FIGURES))
HIGH_ROLLERS = "High rollers"


@pytest.fixture(scope="module")
def exports(replayed: Pipeline) -> Iterator[httpx.Client]:
    """A client of export-svc's API in the replayed stack."""
    assert "export-api" in replayed.stack.processes and "export-worker" in replayed.stack.processes
    with httpx.Client(
        base_url=replayed.stack.api_url("export-svc"),
        timeout=120,
        headers=replayed.stack.api_headers,
    ) as client:
        yield client


@pytest.fixture(scope="module")
def figures(oracle_rows: list[Row]) -> dict[str, Figures]:
    return player_figures(oracle_rows)


def _stream(client: httpx.Client, **params: Any) -> list[list[str]]:
    response = client.get("/exports/stream", params=params)
    assert response.status_code == 200, response.text
    header, rows = read_csv(response.content)
    assert len(header) == len(params.get("columns", "player_id").split(","))
    return rows


def test_every_card_and_segment_exports_the_oracle_rows(
    replayed: Pipeline,
    exports: httpx.Client,
    figures: dict[str, Figures],
    oracle_cards: dict[str, set[str]],
    oracle_segments: dict[str, set[str]],
) -> None:
    problems: list[str] = []
    for kind, ids, want in (("card", replayed.card_ids, oracle_cards),
                            ("segment", replayed.segment_ids, oracle_segments)):  # fmt: skip
        for name, members in want.items():
            rows = _stream(exports, **{f"{kind}_id": ids[name]}, columns=COLUMNS)
            got = exported_rows(rows, figures)
            expected = {pid: oracle_row(figures, pid) for pid in members}
            if got != expected:
                missing = sorted(expected.keys() - got.keys())[:5]
                extra = sorted(got.keys() - expected.keys())[:5]
                wrong = [(p, got[p], expected[p]) for p in got.keys() & expected.keys()
                         if got[p] != expected[p]][:2]  # fmt: skip
                problems.append(f"{kind} {name!r}: missing {missing}, extra {extra}, "
                                f"wrong values {wrong}")  # fmt: skip
    assert not problems, "\n".join(problems)


def test_a_sorted_job_reaches_100_percent_and_matches_the_oracle_order(
    replayed: Pipeline,
    exports: httpx.Client,
    figures: dict[str, Figures],
    oracle_segments: dict[str, set[str]],
) -> None:
    name = "Reactivation campaign"
    body = {"segment_id": replayed.segment_ids[name], "columns": ["player_id", "net_result",
            "last_bet_at"], "sort": "net_result", "order": "desc", "bom": True}  # fmt: skip
    created = exports.post("/exports", json=body)
    assert created.status_code == 202, created.text
    job = wait_for_job(exports, created.json()["id"])
    assert job["status"] == "succeeded", job
    assert job["progress"]["percent"] == 100.0 and job["seen"] == sorted(job["seen"])
    members = oracle_segments[name]
    assert job["progress"]["rows_written"] == job["progress"]["total_rows"] == len(members)
    file = exports.get(job["download_url"])
    assert file.content.startswith("\ufeff".encode())
    _, rows = read_csv(file.content[3:])
    # Oracle order: net result descending, ties by numeric player id (bets players' ids are
    # numbers), players without a net result (none here: every member has bet) last.
    want = sorted(members, key=lambda p: (-figures[p].net_result, int(p)))
    assert [r[0] for r in rows] == want
    assert [float(r[1]) for r in rows] == [figures[p].net_result for p in want]
    tail = exports.get(job["download_url"], headers={"Range": "bytes=1000-"})
    assert tail.status_code == 206 and file.content[1000:] == tail.content


def test_ascending_sorts_on_text_and_date(
    replayed: Pipeline, exports: httpx.Client, figures: dict[str, Figures],
    oracle_cards: dict[str, set[str]],
) -> None:  # fmt: skip
    card = replayed.card_ids[HIGH_ROLLERS]
    members = oracle_cards[HIGH_ROLLERS]
    by_date = _stream(exports, card_id=card, columns="player_id,first_bet_at", sort="first_bet_at")
    want = sorted(members, key=lambda p: (figures[p].first_bet_at, int(p)))
    assert [r[0] for r in by_date] == want
    by_id = _stream(exports, card_id=card, sort="player_id", order="desc")
    assert [r[0] for r in by_id] == sorted(members, key=int, reverse=True)


def test_an_unsaved_definition_exports_its_set_algebra(
    replayed: Pipeline, exports: httpx.Client, oracle_cards: dict[str, set[str]]
) -> None:
    """Execute's "Download CSV": checked by segment-svc, computed from the card sets."""
    a, b, c = "High rollers", "Frequent players", "Net losers"
    ids = replayed.card_ids
    definition = {"include": {"and": [{"card": ids[a]}, {"card": ids[b]}]},
                  "exclude": {"card": ids[c]}}  # fmt: skip
    response = exports.post("/exports/stream", json={"definition": definition})
    assert response.status_code == 200, response.text
    _, rows = read_csv(response.content)
    assert len(rows) == len({r[0] for r in rows})
    assert {r[0] for r in rows} == (oracle_cards[a] & oracle_cards[b]) - oracle_cards[c]
    unknown = {"include": {"and": [{"card": ids[a]}, {"card": 99_999}]}}
    refused = exports.post("/exports", json={"definition": unknown})
    assert refused.status_code == 422
    assert "card 99999 does not exist" in refused.json()["detail"]


def test_exports_are_snapshots_while_players_stream_in(
    replayed: Pipeline,
    exports: httpx.Client,
    oracle_rows: list[Row],
    oracle_cards: dict[str, set[str]],
) -> None:
    """New high rollers arrive during the exports: each export is one moment's membership."""
    card = replayed.card_ids[HIGH_ROLLERS]
    before = oracle_cards[HIGH_ROLLERS]
    newcomers = [f"e2e-export-{i}" for i in range(3000)]
    at = clock(oracle_rows).isoformat().replace("+00:00", "Z")  # the clock does not move
    publisher = threading.Thread(
        target=publish_events,
        args=(replayed.stack.bootstrap, PLAYER_EVENTS, big_bets(newcomers, at),
              replayed.partitions),
    )  # fmt: skip
    publisher.start()
    sizes: list[int] = []
    while publisher.is_alive() or not sizes:
        ids = [r[0] for r in _stream(exports, card_id=card)]
        assert len(ids) == len(set(ids)), "a player was exported twice"
        assert before <= set(ids) <= before | set(newcomers)
        sizes.append(len(ids))
    publisher.join()
    replayed.wait_idle()
    final = {r[0] for r in _stream(exports, card_id=card)}
    assert final == before | set(newcomers)
    assert sizes == sorted(sizes), f"membership only grows here: {sizes}"
