"""``playerseg replay`` against a real Tansu broker."""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from playerseg.cli import main
from playerseg.devstack.config import DEFAULT_BETS
from playerseg.devstack.topics import ensure_topics
from playerseg.replay import REQUIRED_COLUMNS, ReplayError, replay_file
from playerseg.replay.source import read_bets
from segshared.partitioning import partition_for
from segshared.topics import PLAYER_EVENTS

PARTITIONS = 8
HEADER = ",".join(REQUIRED_COLUMNS)


def consume_all(bootstrap: str, topic: str, expected: int, timeout_s: float = 60.0) -> list:
    """Every record of ``topic`` from the beginning, read without a consumer group."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    records: list = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500, max_records=10_000).values():
                records.extend(batch)
        # Nothing beyond what was expected either.
        for batch in consumer.poll(timeout_ms=300).values():
            records.extend(batch)
    finally:
        consumer.close()
    return records


@pytest.fixture
def topic(
    kafka_bootstrap: str,
    create_topics: Callable[..., list[str]],
    unique_name: Callable[[str], str],
) -> str:
    name = unique_name("replay")
    create_topics(partitions=PARTITIONS, topics=[name])
    return name


def test_whole_file_arrives_partitioned_and_in_order(kafka_bootstrap: str, topic: str) -> None:
    stats = replay_file(
        DEFAULT_BETS, bootstrap=kafka_bootstrap, partitions=PARTITIONS, topic=topic, progress=False
    )

    assert (stats.rows, stats.events, stats.skipped) == (50_000, 100_000, 0)
    assert stats.events_per_s > 0
    records = consume_all(kafka_bootstrap, topic, 100_000)
    assert len(records) == 100_000
    events = [orjson.loads(r.value) for r in records]
    assert len({e["event_id"] for e in events}) == 100_000
    for record, event in zip(records, events, strict=True):
        assert record.key == event["player_id"].encode()
        assert record.partition == partition_for(event["player_id"], PARTITIONS)
    # Per player, the events come in file order: (played_at, bet_id), placed before settled.
    expected: dict[str, list[str]] = {}
    for bet in read_bets(DEFAULT_BETS).bets:
        expected.setdefault(bet.player_id, []).extend(
            [f"bet:{bet.bet_id}:placed", f"bet:{bet.bet_id}:settled"]
        )
    by_partition = sorted(records, key=lambda r: (r.partition, r.offset))
    seen: dict[str, list[str]] = {}
    for record in by_partition:
        event = orjson.loads(record.value)
        seen.setdefault(event["player_id"], []).append(event["event_id"])
    assert len(seen) == 4_147
    assert seen == expected


def test_missing_columns_exit_2_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bets.csv"
    path.write_text("bet_id,player_id,bet,played_at,extra\n1,100001,5,2021-11-01T00:00:00Z,x\n")

    code = main(["replay", str(path), "--bootstrap", "127.0.0.1:1"])

    assert code == 2
    err = capsys.readouterr().err
    assert "missing the column(s): game_id, cashed_out, bonus, profit, busted_at" in err


def test_bad_row_is_reported_and_skipped(
    fresh_kafka: Callable[[], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bootstrap = fresh_kafka()
    ensure_topics(bootstrap, partitions=PARTITIONS, topics=[PLAYER_EVENTS])
    # Any column order, extra columns ignored, gzip detected from the content.
    path = tmp_path / "few.csv.gz"
    rows = [
        "note,played_at,player_id,bet_id,game_id,bet,cashed_out,bonus,profit,busted_at",
        "a,2021-11-01T00:00:02Z,100001,11,7,10,2,,10,3.5",
        "b,2021-11-01T00:00:01Z,100002,10,7,oops,,,,3.5",
        "c,2021-11-01T00:00:00Z,100002,9,6,20,,,,1.1",
    ]
    path.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode()))

    code = main(["replay", str(path), "--bootstrap", bootstrap, "--partitions", str(PARTITIONS)])

    assert code == 0
    out, err = capsys.readouterr()
    assert "skipped line 3: bet: 'oops' is not a number" in err
    assert "4 events (2 rows, 1 skipped)" in out
    records = consume_all(bootstrap, PLAYER_EVENTS, 4)
    ids = [orjson.loads(r.value)["event_id"] for r in sorted(records, key=lambda r: r.timestamp)]
    assert sorted(ids) == ["bet:11:placed", "bet:11:settled", "bet:9:placed", "bet:9:settled"]


def test_partition_count_mismatch_is_refused(kafka_bootstrap: str, topic: str) -> None:
    with pytest.raises(ReplayError, match=f"has {PARTITIONS} partitions"):
        replay_file(DEFAULT_BETS, bootstrap=kafka_bootstrap, partitions=3, topic=topic, limit=1)
