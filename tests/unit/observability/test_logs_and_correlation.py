"""JSON log lines and correlation ids (pure: a formatter and context variables)."""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import datetime

import orjson

from segshared import correlation
from segshared.logs import JsonFormatter, PlainFormatter


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("card_svc.worker", logging.WARNING, __file__, 1, message, args, None)
    rec.__dict__.update(extra)
    return rec


def test_a_json_line_has_the_common_fields_and_the_extras() -> None:
    line = JsonFormatter("card-svc").format(record("skipped %d events", 3, reason="late"))
    doc = orjson.loads(line)
    assert doc["level"] == "WARNING"
    assert doc["service"] == "card-svc"
    assert doc["logger"] == "card_svc.worker"
    assert doc["message"] == "skipped 3 events"
    assert doc["reason"] == "late"
    assert datetime.fromisoformat(doc["timestamp"]).tzinfo is not None
    assert "correlation_id" not in doc and "event_id" not in doc


def test_bound_ids_appear_in_json_and_plain_lines_and_are_reset_after() -> None:
    with correlation.bound("req-1", "bet:7:placed"):
        doc = orjson.loads(JsonFormatter("x").format(record("m")))
        plain = PlainFormatter().format(record("m"))
    assert (doc["correlation_id"], doc["event_id"]) == ("req-1", "bet:7:placed")
    assert plain.endswith("[correlation_id=req-1]")
    assert correlation.correlation_id.get() is None and correlation.event_id.get() is None


def test_an_exception_is_one_json_field() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        rec = record("failed")
        rec.exc_info = sys.exc_info()
    doc = orjson.loads(JsonFormatter("x").format(rec))
    assert "ValueError: boom" in doc["exception"]


def test_a_callers_id_is_kept_unless_unusable() -> None:
    assert correlation.accepted("abc-123") == "abc-123"
    for bad in (None, "", "x" * (correlation.MAX_LENGTH + 1), "new\nline"):
        made = correlation.accepted(bad)
        assert made != bad and len(made) == 32


def test_kafka_headers_carry_the_current_id_both_ways() -> None:
    assert correlation.kafka_headers() is None
    with correlation.bound("req-9"):
        headers = correlation.kafka_headers()
    assert headers == [("correlation_id", b"req-9")]
    assert correlation.from_headers([("other", b"x"), *headers]) == "req-9"
    assert correlation.from_headers(None) is None


def test_tasks_and_threads_see_the_id_of_the_request_that_started_them() -> None:
    async def main() -> tuple[str | None, str | None]:
        with correlation.bound("req-5"):
            task = asyncio.create_task(asyncio.sleep(0, correlation.correlation_id.get()))
            thread = asyncio.to_thread(correlation.correlation_id.get)
            return await task, await thread

    assert asyncio.run(main()) == ("req-5", "req-5")
