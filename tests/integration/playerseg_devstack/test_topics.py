"""Topic creation on a real broker."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from kafka import KafkaAdminClient

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
