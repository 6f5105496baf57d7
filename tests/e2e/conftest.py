"""One stack for the module: started, seeded and fed the whole bets file once (CI time)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.pipeline import Pipeline, running_pipeline
from tests.oracle.bets_oracle import Row, card_members, load_bets, segment_members
from tests.support.postgres import fresh_database


@pytest.fixture(scope="module")
def oracle_rows() -> list[Row]:
    """Every row of data/bustabit/bets.csv.gz, read by the oracle's own parser."""
    return load_bets()


@pytest.fixture(scope="module")
def oracle_cards(oracle_rows: list[Row]) -> dict[str, set[str]]:
    """Members of every default card after the whole file (clock: the newest played_at)."""
    return card_members(oracle_rows)


@pytest.fixture(scope="module")
def oracle_segments(oracle_cards: dict[str, set[str]]) -> dict[str, set[str]]:
    return segment_members(oracle_cards)


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """The stack after the whole bets file was replayed at full speed and it went idle.

    Its own database: the session's is shared with integration tests that leave cards behind.
    """
    work_dir = tmp_path_factory.mktemp("e2e")
    with (
        fresh_database("e2e") as database_url,
        running_pipeline(database_url=database_url, work_dir=work_dir) as pipeline,
    ):
        try:
            stats = pipeline.replay()
        except Exception as exc:  # an idle timeout or a dead service: show what they said
            raise AssertionError(f"{exc}\n{pipeline.log_excerpt()}") from exc
        assert stats.skipped == 0, f"the replay skipped rows: {stats.bad_rows[:5]}"
        yield pipeline
        print(f"e2e timings (s): {pipeline.timings}")
