"""Topic creation on a real broker."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from kafka import KafkaAdminClient

from playerseg.cli import main
from playerseg.devstack.topics import TopicPartitionsMismatch, ensure_topics, partition_counts
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
