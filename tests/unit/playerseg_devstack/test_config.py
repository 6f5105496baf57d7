"""The environment the stack hands its services."""

from __future__ import annotations

from pathlib import Path

from playerseg.devstack.config import StackConfig
from playerseg.devstack.ports import DEFAULT_PORTS, Ports


def test_embedded_default_environment(tmp_path: Path) -> None:
    env = StackConfig(data_dir=tmp_path).env()

    assert env["PLAYERSEG_KAFKA_BOOTSTRAP"] == "127.0.0.1:19092"
    assert env["PLAYERSEG_REDIS_URL"] == "redis://127.0.0.1:6390/0"
    assert env["PLAYERSEG_PARTITIONS"] == "8"
    assert env["CARD_SVC_DATABASE_URL"] == f"sqlite:///{tmp_path.resolve()}/card-svc.db"
    assert env["SEGMENT_SVC_DATABASE_URL"] == f"sqlite:///{tmp_path.resolve()}/segment-svc.db"
    assert [env[f"{s}_SVC_PORT"] for s in ("CARD", "SEGMENT", "ACTION", "EXPORT")] == [
        "8101",
        "8102",
        "8103",
        "8104",
    ]
    assert env["SEGMENT_SVC_CARD_SVC_URL"] == "http://127.0.0.1:8101"
    assert env["CARD_SVC_SEGMENT_SVC_URL"] == "http://127.0.0.1:8102"
    assert (DEFAULT_PORTS.broker, DEFAULT_PORTS.redis) == (19092, 6390)


def test_existing_broker_redis_and_databases_are_passed_through() -> None:
    config = StackConfig(
        bootstrap="kafka:9092",
        redis_url="redis://cache:6379/1",
        partitions=4,
        database_urls={"card-svc": "postgresql+psycopg://postgres@db/cards"},
        ports=Ports(1, 2, 3, 4, 5, 6),
        extra_env={"X": "y"},
    )
    env = config.env()

    assert env["PLAYERSEG_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert env["PLAYERSEG_REDIS_URL"] == "redis://cache:6379/1"
    assert env["PLAYERSEG_PARTITIONS"] == "4"
    assert env["CARD_SVC_DATABASE_URL"] == "postgresql+psycopg://postgres@db/cards"
    assert env["SEGMENT_SVC_CARD_SVC_URL"] == "http://127.0.0.1:3"
    assert env["EXPORT_SVC_PORT"] == "6"
    assert env["X"] == "y"
