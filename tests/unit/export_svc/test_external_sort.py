"""The external sort: many runs on disk merge into one order, and clean up after."""

from __future__ import annotations

import random
from pathlib import Path

from export_svc.service_layer.external_sort import ExternalSort


def test_runs_merge_into_one_order(tmp_path: Path) -> None:
    rng = random.Random(5)
    items = [(rng.random(), f"{i:06d}", f"line {i}") for i in range(10_000)]
    with ExternalSort(run_rows=1_000, tmp_dir=str(tmp_path)) as sorter:
        for i in range(0, len(items), 700):
            sorter.add(items[i : i + 700])
        assert len(list(tmp_path.rglob("run-*"))) == 7  # spilled at >= 1,000 rows: 1,400 each
        assert list(sorter.merged()) == sorted(items)
    assert not list(tmp_path.rglob("run-*"))


def test_a_small_sort_stays_in_memory(tmp_path: Path) -> None:
    with ExternalSort(run_rows=100, tmp_dir=str(tmp_path)) as sorter:
        sorter.add([(2.0, "b", "x"), (1.0, "a", "y")])
        assert [line for *_, line in sorter.merged()] == ["y", "x"]
        assert not list(tmp_path.rglob("run-*"))
