"""Faust application factory with the settings every worker shares (DESIGN decision 7)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import faust

from segshared.logs import configure_logging
from segshared.settings import PlatformSettings
from segshared.worker_http import WorkerPort, start_worker_http


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


def run_worker(
    app: faust.App, *, service: str, settings: PlatformSettings, port: WorkerPort
) -> None:
    """Run a worker's Faust app until it is stopped (the end of every worker's ``main``)."""
    configure_logging(service=service, level=settings.log_level, fmt=settings.log_format)

    @app.task
    async def metrics_port() -> None:
        start_worker_http(host=port.host, port=port.port, service=service, checks=port.checks)

    # Batches allocate tens of thousands of short-lived objects; the default thresholds ran
    # full collections over the (long-lived) imported modules again and again.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    # The logging set up above stays (Faust would install its own); its banner and startup
    # spinner are not log lines, so JSON logs go without them.
    json_logs = settings.log_format == "json"
    worker = faust.Worker(app, loglevel=settings.log_level.lower(), override_logging=False,
                          quiet=json_logs)  # fmt: skip
    if json_logs:
        worker.spinner = None
    worker.execute_from_commandline()
