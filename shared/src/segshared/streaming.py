"""Faust application factory with the settings every worker shares (DESIGN decision 7)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import faust

from segshared.settings import PlatformSettings


def make_faust_app(app_id: str, settings: PlatformSettings, **overrides: Any) -> faust.App:
    """A Faust app: at-least-once, no exactly-once (the test broker has no transactions),
    in-memory tables (state lives in Redis), short group timeouts for quick joins."""
    options: dict[str, Any] = {
        "broker": [f"kafka://{s}" for s in settings.bootstrap_servers],
        "store": "memory://",
        "processing_guarantee": "at_least_once",
        "stream_wait_empty": False,
        "topic_partitions": settings.partitions,
        "topic_allow_declare": False,
        "topic_disable_leader": True,
        "consumer_auto_offset_reset": "earliest",
        "broker_session_timeout": settings.consumer_session_timeout_s,
        "broker_rebalance_timeout": settings.consumer_rebalance_timeout_s,
        "broker_heartbeat_interval": 1.0,
        "broker_commit_interval": 1.0,
        "producer_acks": 1,
        "web_enabled": False,
    }
    options.update(overrides)
    if "datadir" in options:  # Faust creates only the last level of it
        Path(str(options["datadir"])).mkdir(parents=True, exist_ok=True)
    return faust.App(app_id, **options)


def run_worker(app: faust.App, *, log_level: str) -> None:
    """Run a worker's Faust app until it is stopped (the end of every worker's ``main``)."""
    # Batches allocate tens of thousands of short-lived objects; the default thresholds ran
    # full collections over the (long-lived) imported modules again and again.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    faust.Worker(app, loglevel=log_level.lower()).execute_from_commandline()
