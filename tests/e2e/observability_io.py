"""Reading what a running stack tells about itself: metrics scrapes, JSON log lines, and the
headers of records on a topic."""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
from kafka import KafkaConsumer
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.kafka_io import end_offsets

#: (sample name, sorted label items) -> value
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(base_url: str) -> Samples:
    """Every sample of ``GET <base_url>/metrics``, parsed by prometheus_client's own parser."""
    response = httpx.get(f"{base_url}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample ``name{labels}``; 0 when it was never set (a counter not yet incremented)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def series(samples: Samples, name: str, label: str) -> dict[str, float]:
    """``label`` value -> sample, for every sample of ``name``."""
    return {dict(k)[label]: v for (n, k), v in samples.items() if n == name and label in dict(k)}


def bets_slice(source: Path, rows: int, target: Path) -> Path:
    """The header and first ``rows`` bets of ``source`` (a .csv.gz) as a .csv file."""
    with gzip.open(source, "rt", encoding="utf-8") as src, target.open("w") as out:
        for i, line in enumerate(src):
            if i > rows:
                break
            out.write(line)
    return target


def log_lines(log_path: Path) -> list[tuple[str, str]]:
    """(process name, text) of every line the stack's children printed."""
    out = []
    for line in log_path.read_text(errors="replace").splitlines():
        name, sep, text = line.partition("|")
        if sep:
            out.append((name.strip(), text.strip()))
    return out


def json_logs(log_path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(process, document) of every service line; fails on a line that is not a JSON object."""
    docs = []
    for name, text in log_lines(log_path):
        if not name.endswith(("-api", "-worker", "-migrate")) or not text:
            continue
        try:
            doc = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise AssertionError(f"{name} printed a line that is not JSON: {text!r}") from exc
        assert isinstance(doc, dict), f"{name}: {text!r}"
        docs.append((name, doc))
    return docs


def headers_of(bootstrap: str, topic: str, timeout_s: float = 30.0) -> list[dict[str, Any]]:
    """``{"value": decoded, "headers": {name: text}}`` of every record on ``topic`` now."""
    ends = {tp: end for tp, end in end_offsets(bootstrap, [topic]).items() if end > 0}
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    try:
        consumer.assign(sorted(ends))
        for tp in ends:
            consumer.seek(tp, 0)
        out: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout_s
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            assert time.monotonic() < deadline, f"could not read {topic} to its end"
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    out.append(
                        {
                            "value": orjson.loads(record.value),
                            "headers": {k: v.decode() for k, v in record.headers or ()},
                        }
                    )
        return out
    finally:
        consumer.close()


def wait_for(what: str, probe: Callable[[], Any], timeout_s: float = 60.0) -> Any:
    """``probe()`` once it is truthy; fails naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)
