"""Topic creation on a real broker."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType

from playerseg.cli import main
from playerseg.devstack.topics import (
    TopicPartitionsMismatch,
    align_configs,
    ensure_topics,
    partition_counts,
)
from segshared.topics import all_topics


def test_creates_every_topic_once_and_refuses_another_count(
    fresh_kafka: Callable[[], str],
) -> None:
    bootstrap = fresh_kafka()

    assert sorted(ensure_topics(bootstrap, partitions=4)) == sorted(all_topics())
    assert ensure_topics(bootstrap, partitions=4) == []

    with pytest.raises(TopicPartitionsMismatch, match=r"player\.events=4") as caught:
        ensure_topics(bootstrap, partitions=8)
    assert caught.value.found["card.membership"] == 4


def test_partition_counts_of_existing_topics(fresh_kafka: Callable[[], str]) -> None:
    bootstrap = fresh_kafka()
    ensure_topics(bootstrap, partitions=3, topics=["a"])
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        assert partition_counts(admin, ["a", "missing"]) == {"a": 3}
    finally:
        admin.close()


def test_topics_command_creates_every_topic_once(
    fresh_kafka: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    bootstrap = fresh_kafka()
    assert main(["topics", "--bootstrap", bootstrap, "--partitions", "3"]) == 0
    assert f"created {len(all_topics())} topics" in capsys.readouterr().out
    admin = KafkaAdminClient(bootstrap_servers=[bootstrap])
    try:
        assert set(all_topics()) <= set(admin.list_topics())
    finally:
        admin.close()
    assert main(["topics", "--bootstrap", bootstrap, "--partitions", "3"]) == 0
    assert "none needed" in capsys.readouterr().out


def _configs(bootstrap: str, topics: list[str]) -> dict[str, dict[str, str]]:
    admin = KafkaAdminClient(bootstrap_servers=[bootstrap])
    try:
        resources = [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics]
        described = admin.describe_configs(resources, config_filter="all")["topic"]
    finally:
        admin.close()
    return {t: {k: v["value"] for k, v in described[t].items()} for t in topics}


def test_topics_get_their_retention_or_compaction_and_keep_it(
    fresh_kafka: Callable[[], str], capsys: pytest.CaptureFixture[str]
) -> None:
    bootstrap = fresh_kafka()
    day_ms = 24 * 3600 * 1000
    assert main(["topics", "--bootstrap", bootstrap, "--partitions", "2"]) == 0
    found = _configs(bootstrap, ["player.events", "segment.lifecycle", "card.membership.dlq"])
    # A week of facts; the newest event per definition; a month of dead letters.
    assert found["player.events"]["cleanup.policy"] == "delete"
    assert found["player.events"]["retention.ms"] == str(7 * day_ms)
    assert found["segment.lifecycle"]["cleanup.policy"] == "compact"
    assert found["card.membership.dlq"]["retention.ms"] == str(30 * day_ms)

    # Someone shortened a retention by hand: the next run puts the code's value back.
    admin = KafkaAdminClient(bootstrap_servers=[bootstrap])
    try:
        change = ConfigResource(ConfigResourceType.TOPIC, "player.events", {"retention.ms": "60"})
        admin.alter_configs([change], incremental=True)
    finally:
        admin.close()
    capsys.readouterr()
    assert main(["topics", "--bootstrap", bootstrap, "--partitions", "2"]) == 0
    assert "aligned the configs of 1 topics: player.events" in capsys.readouterr().out
    assert _configs(bootstrap, ["player.events"])["player.events"]["retention.ms"] == str(
        7 * day_ms
    )
    assert align_configs(bootstrap) == []
