"""Creates the platform's topics, all with one partition count (DESIGN decision 2) and the
retention or compaction that ``segshared.topics.topic_specs`` gives each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType
from kafka.errors import TopicAlreadyExistsError

from segshared.topics import all_topics, topic_specs


class TopicPartitionsMismatch(RuntimeError):
    """Existing topics have another partition count than the one asked for."""

    def __init__(self, expected: int, found: dict[str, int]) -> None:
        listing = ", ".join(f"{t}={n}" for t, n in sorted(found.items()))
        super().__init__(
            f"these topics exist with a partition count other than {expected}: {listing}. "
            "Every player-keyed topic must share one count: recreate them (./dev up --fresh "
            "restarts the embedded broker) or set PLAYERSEG_PARTITIONS to match"
        )
        self.expected = expected
        self.found = found


def partition_counts(admin: KafkaAdminClient, topics: Iterable[str]) -> dict[str, int]:
    """Partition count of each of ``topics`` that exists."""
    wanted = set(topics)
    existing = wanted & set(admin.list_topics())
    if not existing:
        return {}
    return {d["name"]: len(d["partitions"]) for d in admin.describe_topics(sorted(existing))}


def ensure_topics(
    bootstrap: str,
    *,
    partitions: int,
    topics: Iterable[str] | None = None,
    replication_factor: int = 1,
    timeout_s: float = 30.0,
) -> list[str]:
    """Create the missing ``topics`` (default: every platform topic); returns those created.

    Idempotent. Raises :class:`TopicPartitionsMismatch` when a topic exists with another count.
    """
    names = list(topics) if topics is not None else list(all_topics())
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap.split(","), request_timeout_ms=int(timeout_s * 1000)
    )
    try:
        found = partition_counts(admin, names)
        wrong = {t: n for t, n in found.items() if n != partitions}
        if wrong:
            raise TopicPartitionsMismatch(partitions, wrong)
        missing = [t for t in names if t not in found]
        created = [
            t for t in missing if _create(admin, t, partitions, replication_factor, timeout_s)
        ]
        if missing:
            admin.wait_for_topics(missing, timeout_ms=int(timeout_s * 1000))
            # A topic created concurrently by someone else may still have another count.
            wrong = {t: n for t, n in partition_counts(admin, missing).items() if n != partitions}
            if wrong:
                raise TopicPartitionsMismatch(partitions, wrong)
        return created
    finally:
        admin.close()


def wanted_configs(topic: str) -> Mapping[str, str]:
    """The configs the platform gives ``topic`` (none for a topic it does not know)."""
    return next((spec.configs for spec in topic_specs() if spec.name == topic), {})


def align_configs(
    bootstrap: str, *, topics: Iterable[str] | None = None, timeout_s: float = 30.0
) -> list[str]:
    """Give existing ``topics`` (default: every platform topic) the configs of their spec.

    Only topics whose configs differ are altered (incrementally: other settings an operator
    made are kept); returns those. Run after :func:`ensure_topics`, e.g. when an upgrade
    changed a retention.
    """
    names = list(topics) if topics is not None else list(all_topics())
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap.split(","), request_timeout_ms=int(timeout_s * 1000)
    )
    try:
        existing = [t for t in names if t in set(admin.list_topics()) and wanted_configs(t)]
        if not existing:
            return []
        resources = [ConfigResource(ConfigResourceType.TOPIC, t) for t in existing]
        current = admin.describe_configs(resources, config_filter="all")["topic"]
        drifted = [t for t in existing if _differs(wanted_configs(t), current.get(t, {}))]
        if drifted:
            changes = [
                ConfigResource(ConfigResourceType.TOPIC, t, configs=dict(wanted_configs(t)))
                for t in drifted
            ]
            admin.alter_configs(changes, incremental=True)
        return drifted
    finally:
        admin.close()


def _differs(wanted: Mapping[str, str], described: Mapping[str, Mapping[str, object]]) -> bool:
    return any(str(described.get(k, {}).get("value")) != v for k, v in wanted.items())


def _create(
    admin: KafkaAdminClient, topic: str, partitions: int, replication: int, timeout_s: float
) -> bool:
    spec = {
        topic: {
            "num_partitions": partitions,
            "replication_factor": replication,
            "configs": dict(wanted_configs(topic)),
        }
    }
    try:
        admin.create_topics(spec, timeout_ms=int(timeout_s * 1000))
    except TopicAlreadyExistsError:
        return False
    return True
