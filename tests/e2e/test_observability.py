"""Metrics, JSON logs, correlation ids and health of the whole stack after a replay of real
bets (a slice of the file: the full replay runs once, in test_bets_pipeline).

Every expected figure comes from outside the code under test: records on the topics (end
offsets), dead letters read back from the DLQ topic, card and segment sizes from the oracle.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from playerseg.devstack.config import DEFAULT_BETS, SERVICE_NAMES
from segshared.topics import (
    CARD_LIFECYCLE,
    CARD_MEMBERSHIP,
    PLAYER_EVENTS,
    SEGMENT_LIFECYCLE,
    SEGMENT_MEMBERSHIP,
    dlq,
)
from tests.e2e.kafka_io import end_offsets, per_topic, publish_events, records_between
from tests.e2e.observability_io import (
    bets_slice,
    headers_of,
    json_logs,
    scrape,
    series,
    value,
    wait_for,
)
from tests.e2e.pipeline import Pipeline, running_pipeline
from tests.oracle.bets_oracle import card_members, load_bets, load_vip_ids, segment_members
from tests.support.postgres import fresh_database

SLICE_ROWS = 3000  # 6,000 player events: every default card and segment gets members
#: Ids of the events the dead-letter test sent (the log test looks for them).
BAD_EVENT_IDS: list[str] = []


@pytest.fixture(scope="module")
def bets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bets_slice(DEFAULT_BETS, SLICE_ROWS, tmp_path_factory.mktemp("slice") / "bets.csv")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, bets: Path) -> Iterator[Pipeline]:
    """The stack with JSON logs, the slice replayed and every service idle."""
    work_dir = tmp_path_factory.mktemp("observability")
    env = {"PLAYERSEG_LOG_FORMAT": "json"}
    with (
        fresh_database("obs") as database_url,
        running_pipeline(database_url=database_url, work_dir=work_dir, extra_env=env) as pipeline,
    ):
        try:
            stats = pipeline.replay(bets)
        except Exception as exc:
            raise AssertionError(f"{exc}\n{pipeline.log_excerpt()}") from exc
        assert stats.skipped == 0
        yield pipeline


def worker_url(pipeline: Pipeline, service: str) -> str:
    return pipeline.stack.config.worker_url(service)


def test_consumed_and_produced_equal_the_records_on_the_topics(stack: Pipeline) -> None:
    on_topic = per_topic(
        end_offsets(stack.stack.bootstrap, [PLAYER_EVENTS, CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP])
    )
    assert on_topic[PLAYER_EVENTS] == 2 * SLICE_ROWS
    card = scrape(worker_url(stack, "card-svc"))
    segment = scrape(worker_url(stack, "segment-svc"))
    action = scrape(worker_url(stack, "action-svc"))
    consumed, produced = "playerseg_events_consumed_total", "playerseg_events_produced_total"
    assert value(card, consumed, topic=PLAYER_EVENTS) == on_topic[PLAYER_EVENTS]
    assert value(card, produced, topic=CARD_MEMBERSHIP) == on_topic[CARD_MEMBERSHIP]
    assert value(segment, consumed, topic=CARD_MEMBERSHIP) == on_topic[CARD_MEMBERSHIP]
    assert value(segment, produced, topic=SEGMENT_MEMBERSHIP) == on_topic[SEGMENT_MEMBERSHIP]
    assert value(action, consumed, topic=CARD_MEMBERSHIP) == on_topic[CARD_MEMBERSHIP]
    assert value(action, consumed, topic=SEGMENT_MEMBERSHIP) == on_topic[SEGMENT_MEMBERSHIP]
    # Latency histograms: one batch observation per applied batch, of every record.
    batches = value(card, "playerseg_batch_seconds_count", topic=PLAYER_EVENTS)
    assert 1 <= batches <= on_topic[PLAYER_EVENTS]
    assert value(card, "playerseg_event_seconds_count", topic=PLAYER_EVENTS) == batches
    # Idle: nothing left behind on any partition the card worker owns.
    lags = series(card, "playerseg_consumer_lag", "partition")
    assert sorted(lags) == [str(p) for p in range(stack.partitions)]
    assert set(lags.values()) == {0.0}


def test_card_and_segment_sizes_equal_the_oracle(stack: Pipeline, bets: Path) -> None:
    cards = card_members(load_bets(bets))
    segments = segment_members(cards)
    card_sizes = series(
        scrape(stack.stack.api_url("card-svc")), "playerseg_card_members", "card_id"
    )
    segment_sizes = series(
        scrape(stack.stack.api_url("segment-svc")), "playerseg_segment_members", "segment_id"
    )
    assert {name: card_sizes[str(i)] for name, i in stack.card_ids.items()} == {
        name: len(members) for name, members in cards.items()
    }
    assert {name: segment_sizes[str(i)] for name, i in stack.segment_ids.items()} == {
        name: len(members) for name, members in segments.items()
    }


def test_dead_letters_are_counted_by_topic_and_reason(stack: Pipeline) -> None:
    bootstrap = stack.stack.bootstrap
    before = end_offsets(bootstrap, [dlq(PLAYER_EVENTS)])
    good = {
        "event_id": f"obs-{uuid.uuid4().hex}",
        "type": "player_logged_in",
        "version": 1,
        "player_id": "obs-1",
        "occurred_at": "2021-11-01T00:00:00Z",
        "data": {"channel": "web"},
    }
    bad = [
        {**good, "event_id": f"obs-{uuid.uuid4().hex}", "version": 99},  # a future version
        {**good, "event_id": f"obs-{uuid.uuid4().hex}", "type": "bet_teleported"},
        {**good, "event_id": f"obs-{uuid.uuid4().hex}", "occurred_at": "yesterday"},
    ]
    publish_events(bootstrap, PLAYER_EVENTS, bad, stack.partitions)
    BAD_EVENT_IDS.extend(str(e["event_id"]) for e in bad)
    topic = dlq(PLAYER_EVENTS)
    wait_for(
        "the dead letters",
        lambda: (
            per_topic(end_offsets(bootstrap, [topic])).get(topic, 0) - sum(before.values())
            >= len(bad)
        ),
    )
    letters = records_between(bootstrap, before, end_offsets(bootstrap, [topic]))
    by_reason = Counter(letter["reason"] for letter in letters)
    assert sum(by_reason.values()) == len(bad)
    samples = scrape(worker_url(stack, "card-svc"))
    counted = series(samples, "playerseg_dead_letters_total", "reason")
    assert counted == {reason: float(n) for reason, n in by_reason.items()}
    assert value(samples, "playerseg_events_produced_total", topic=topic) == len(bad)


def test_a_request_is_followed_by_its_correlation_id(stack: Pipeline) -> None:
    segment_url = stack.stack.api_url("segment-svc")
    created_id, deleted_id = f"create-{uuid.uuid4().hex}", f"delete-{uuid.uuid4().hex}"
    card = stack.card_ids["High rollers"]
    body = {"name": f"obs {uuid.uuid4().hex[:6]}", "include": {"card": card}}
    created = httpx.post(
        f"{segment_url}/segments",
        json=body,
        headers={"X-Correlation-ID": created_id, **stack.stack.api_headers},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    assert created.headers["X-Correlation-ID"] == created_id
    segment_id = created.json()["id"]

    def logged_by(correlation_id: str) -> list[tuple[str, str]]:
        return [
            (name, doc["message"])
            for name, doc in json_logs(stack.log_path)
            if doc.get("correlation_id") == correlation_id
        ]

    # The worker's build of the new segment (High rollers entered it) logs the creating request.
    built = f"built segment {segment_id} rev 1 "
    wait_for(
        "the build in the logs",
        lambda: any(
            n == "segment-worker" and m.startswith(built) for n, m in logged_by(created_id)
        ),
    )
    deleted = httpx.delete(
        f"{segment_url}/segments/{segment_id}",
        headers={"X-Correlation-ID": deleted_id, **stack.stack.api_headers},
        timeout=30,
    )
    assert deleted.status_code in (200, 204), deleted.text
    assert deleted.headers["X-Correlation-ID"] == deleted_id
    # Without one, the API makes an id and returns it.
    assert httpx.get(
        f"{segment_url}/segments", headers=stack.stack.api_headers, timeout=30
    ).headers["X-Correlation-ID"]

    def lifecycle() -> dict[str, str]:
        return {
            r["value"]["type"]: r["headers"].get("correlation_id", "")
            for r in headers_of(stack.stack.bootstrap, SEGMENT_LIFECYCLE)
            if r["value"]["segment_id"] == segment_id
        }

    events = wait_for("both lifecycle events", lambda: len(lifecycle()) == 2 and lifecycle())
    assert events == {"segment_created": created_id, "segment_deleted": deleted_id}
    # card-svc publishes its lifecycle events while handling the request: same header.
    card_id = f"card-{uuid.uuid4().hex}"
    rule = {"field": "net_result", "op": "lt", "value": -5000}
    made = httpx.post(
        f"{stack.stack.api_url('card-svc')}/cards",
        json={"name": f"obs {uuid.uuid4().hex[:6]}", "rule": rule},
        headers={"X-Correlation-ID": card_id, **stack.stack.api_headers},
        timeout=30,
    )
    assert made.status_code == 201, made.text
    card_events = [
        r["headers"].get("correlation_id")
        for r in headers_of(stack.stack.bootstrap, CARD_LIFECYCLE)
        if r["value"]["card_id"] == made.json()["id"]
    ]
    assert card_events == [card_id]
    # The API logged the request; both consumers of segment.lifecycle logged the deletion.
    wait_for(
        "the deletion in the logs",
        lambda: (
            {n for n, _ in logged_by(deleted_id)}
            >= {"segment-api", "action-worker", "export-worker"}
        ),
    )


def test_every_log_line_is_json_with_the_common_fields(stack: Pipeline) -> None:
    docs = json_logs(stack.log_path)
    processes = {name for name, _ in docs}
    assert {"card-worker", "segment-worker", "card-api", "segment-api"} <= processes
    for name, doc in docs:
        assert {"timestamp", "level", "service", "logger", "message"} <= doc.keys(), (name, doc)
        assert doc["service"] == f"{name.split('-')[0]}-svc"
    dead = [doc for name, doc in docs if doc["logger"] == "segshared.dlq"]
    assert all(doc["topic"] == PLAYER_EVENTS and doc["reason"] for doc in dead)
    # The bad events of the dead-letter test: each logged with its own event id.
    assert {d["event_id"] for d in dead} >= set(BAD_EVENT_IDS)


def test_every_process_is_live_and_ready(stack: Pipeline) -> None:
    for service in SERVICE_NAMES:
        for base in (stack.stack.api_url(service), worker_url(stack, service)):
            assert httpx.get(f"{base}/health/live", timeout=10).json() == {"status": "ok"}
            ready = httpx.get(f"{base}/health/ready", timeout=10)
            assert ready.status_code == 200, ready.text
            assert set(ready.json()["checks"]) == {"broker", "redis", "database"}
            service_info = scrape(base)
            role = "api" if base.endswith(str(stack.stack.config.port(service))) else "worker"
            assert value(service_info, "playerseg_service_info", service=service, role=role) == 1


def test_worker_port_answers_404_with_what_exists(stack: Pipeline) -> None:
    response = httpx.get(f"{worker_url(stack, 'card-svc')}/nothing", timeout=10)
    assert response.status_code == 404
    assert "/metrics" in orjson.loads(response.content)["title"]


def test_dispatch_outcomes_are_counted_by_channel(stack: Pipeline) -> None:
    """A Single Send to the uploaded VIP list: every member gets one outcome, counted alike by
    the metric and by the action's own stats (written by the dispatch script)."""
    action_url = stack.stack.api_url("action-svc")
    vips = stack.card_ids["VIP list (uploaded)"]
    spec = {
        "name": f"obs {uuid.uuid4().hex[:6]}",
        "target": {"kind": "card", "id": vips},
        "type": "single_send",
        "single_send": {},
        "channel": "sms",
        "definition": {"body": "Hello {{player_id}}"},
    }
    created = httpx.post(
        f"{action_url}/actions", json=spec, headers=stack.stack.api_headers, timeout=30
    )
    assert created.status_code == 201, created.text
    action_id = created.json()["id"]
    members = len(load_vip_ids())
    auth = stack.stack.api_headers

    def stats() -> dict[str, int]:
        return dict(
            httpx.get(f"{action_url}/actions/{action_id}/stats", headers=auth, timeout=30).json()
        )

    counted = wait_for("every VIP's outcome", lambda: sum(stats().values()) >= members and stats())
    assert sum(counted.values()) == members
    outcomes = series(
        scrape(worker_url(stack, "action-svc")), "playerseg_dispatches_total", "outcome"
    )
    assert {k: v for k, v in outcomes.items() if v} == {
        k: float(n) for k, n in counted.items() if n
    }


def test_export_durations_and_rows(stack: Pipeline, bets: Path) -> None:
    export_url = stack.stack.api_url("export-svc")
    expected = len(card_members(load_bets(bets))["High rollers"])
    card = stack.card_ids["High rollers"]
    auth = stack.stack.api_headers
    job = httpx.post(f"{export_url}/exports", json={"card_id": card}, headers=auth, timeout=30)
    assert job.status_code in (201, 202), job.text
    job_url = f"{export_url}/exports/{job.json()['id']}"
    wait_for(
        "the export job",
        lambda: httpx.get(job_url, headers=auth, timeout=30).json()["status"] == "succeeded",
    )
    worker = scrape(worker_url(stack, "export-svc"))
    assert value(worker, "playerseg_export_rows_total", mode="job") == expected
    assert value(worker, "playerseg_export_seconds_count", mode="job", status="succeeded") == 1
    streamed = httpx.get(
        f"{export_url}/exports/stream", params={"card_id": card}, headers=auth, timeout=60
    )
    assert streamed.status_code == 200
    assert len(streamed.text.splitlines()) - 1 == expected  # less the header
    api = scrape(export_url)
    assert value(api, "playerseg_export_rows_total", mode="stream") == expected
    assert value(api, "playerseg_export_seconds_count", mode="stream", status="succeeded") == 1
