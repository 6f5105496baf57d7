"""Which partition (and so which Redis shard) a player belongs to.

Kafka's default partitioner hashes the key bytes with murmur2; using the same function here
means that the partition a record lands in and the hash tag of the player's Redis keys agree
without asking the broker.
"""

from __future__ import annotations

from kafka.partitioner.default import murmur2


def partition_for(player_id: str, partitions: int) -> int:
    """The partition Kafka's default partitioner picks for ``player_id``."""
    return (murmur2(player_id.encode("utf-8")) & 0x7FFFFFFF) % partitions
