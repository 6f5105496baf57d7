"""``wait_idle`` against a real Tansu broker and Redis."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from playerseg.devstack.idle import IdleTimeout, wait_idle
from playerseg.devstack.topics import ensure_topics


@pytest.fixture
def bootstrap(fresh_kafka: Callable[[], str]) -> str:
    url = fresh_kafka()
    ensure_topics(url, partitions=2, topics=["in", "other"])
    producer = KafkaProducer(bootstrap_servers=url, acks=1, enable_idempotence=False)
    # Several records per batch: Tansu's ListOffsets answer is wrong for those (see offsets.py).
    for i in range(10):
        producer.send("in", b"v", partition=i % 2)
    producer.flush()
    producer.send("other", b"v", partition=0).get(10)
    producer.close()
    return url


@pytest.fixture
def commit(bootstrap: str) -> Iterator[Callable[[str, dict[int, int]], None]]:
    consumers: list[KafkaConsumer] = []

    def do(group: str, offsets: dict[int, int]) -> None:
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
        consumers.append(consumer)
        consumer.commit(
            {TopicPartition("in", p): OffsetAndMetadata(o, "", -1) for p, o in offsets.items()}
        )

    yield do
    for consumer in consumers:
        consumer.close()


def test_lagging_group_is_not_idle_until_it_catches_up(
    bootstrap: str, redis_url: str, commit: Callable[[str, dict[int, int]], None]
) -> None:
    prefix = f"t{uuid.uuid4().hex[:6]}:"
    commit("workers", {0: 5, 1: 3})
    with pytest.raises(IdleTimeout, match="group workers lags 2 on in"):
        wait_idle(
            bootstrap=bootstrap,
            redis_url=redis_url,
            groups={"workers": ["in"]},
            key_prefix=prefix,
            timeout_s=1,
            poll_s=0.1,
        )

    commit("workers", {0: 5, 1: 5})
    snap = wait_idle(
        bootstrap=bootstrap,
        redis_url=redis_url,
        key_prefix=prefix,  # groups discovered from the broker
        must_consume=["in"],
        timeout_s=20,
        stable_s=0.5,
        poll_s=0.1,
    )
    assert snap.idle
    assert snap.lag == {"workers": {"in": 0}}


def test_topic_nobody_consumed_and_pending_outbox_are_not_idle(
    bootstrap: str, redis_url: str, commit: Callable[[str, dict[int, int]], None]
) -> None:
    prefix = f"t{uuid.uuid4().hex[:6]}:"
    commit("workers", {0: 5, 1: 5})
    with pytest.raises(IdleTimeout, match="no group has consumed 1 records of other"):
        wait_idle(
            bootstrap=bootstrap,
            redis_url=redis_url,
            key_prefix=prefix,
            must_consume=["other"],
            timeout_s=1,
            poll_s=0.1,
        )

    client = redis.Redis.from_url(redis_url)
    stream = f"{prefix}outbox:{{1}}:card-svc"
    entry = client.xadd(stream, {"t": "x", "k": "k", "v": "v"})
    try:
        with pytest.raises(IdleTimeout, match="outbox of card-svc holds 1"):
            wait_idle(bootstrap=bootstrap, redis_url=redis_url, key_prefix=prefix, timeout_s=1)
        client.xdel(stream, entry)  # what the relay does once the broker acknowledged
        wait_idle(
            bootstrap=bootstrap, redis_url=redis_url, key_prefix=prefix, timeout_s=20, stable_s=0.5
        )
    finally:
        client.delete(stream)
        client.close()
