"""The programmatic stack, infrastructure only (the services are tested on their own)."""

from __future__ import annotations

import io
from pathlib import Path

import redis
from kafka import KafkaAdminClient

from playerseg.devstack import Stack, StackConfig, free_ports
from playerseg.devstack.topics import partition_counts
from segshared.topics import all_topics


def test_infra_starts_with_topics_and_stops(tmp_path: Path) -> None:
    out = io.StringIO()
    config = StackConfig(ports=free_ports(), data_dir=tmp_path / "run", partitions=2, services=[])

    with Stack(config, output=out, color=False) as stack:
        admin = KafkaAdminClient(bootstrap_servers=stack.bootstrap)
        try:
            assert partition_counts(admin, all_topics()) == {t: 2 for t in all_topics()}
        finally:
            admin.close()
        assert redis.Redis.from_url(stack.redis_url).ping()
        assert stack.wait_idle(timeout_s=30, stable_s=0.3).idle
        children = [c.proc for c in stack.supervisor.children]
        assert [c.name for c in stack.supervisor.children] == ["broker", "redis"]

    assert all(p.poll() is not None for p in children)
    assert "created topics" in out.getvalue()


def test_existing_redis_is_used_and_not_started(tmp_path: Path, redis_url: str) -> None:
    config = StackConfig(ports=free_ports(), data_dir=tmp_path, redis_url=redis_url, services=[])
    with Stack(config, output=io.StringIO()) as stack:
        assert stack.redis_url == redis_url
        assert [c.name for c in stack.supervisor.children] == ["broker"]
        assert stack.config.env()["PLAYERSEG_REDIS_URL"] == redis_url
