"""Creates the platform's topics, all with one partition count (DESIGN decision 2)."""

from __future__ import annotations

from collections.abc import Iterable

from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

from segshared.topics import all_topics


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


def _create(
    admin: KafkaAdminClient, topic: str, partitions: int, replication: int, timeout_s: float
) -> bool:
    spec = {topic: {"num_partitions": partitions, "replication_factor": replication}}
    try:
        admin.create_topics(spec, timeout_ms=int(timeout_s * 1000))
    except TopicAlreadyExistsError:
        return False
    return True
