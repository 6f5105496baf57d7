"""Kafka topics: names, and the retention or compaction each is created with (DESIGN decision 2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from segshared.contracts.dispatch import DISPATCH_CHANNELS

PLAYER_EVENTS = "player.events"
CARD_MEMBERSHIP = "card.membership"
SEGMENT_MEMBERSHIP = "segment.membership"
CARD_LIFECYCLE = "card.lifecycle"
SEGMENT_LIFECYCLE = "segment.lifecycle"
#: Dispatch commands for downstream campaign dispatchers, one topic per channel.
ACTION_DISPATCH_PREFIX = "action.dispatch."
DISPATCH_TOPICS = tuple(ACTION_DISPATCH_PREFIX + channel for channel in DISPATCH_CHANNELS)

#: Topics keyed by player id: they must share one partition count so that partition p of
#: each holds the same players, and a worker's Redis shard ``{p}`` serves all of them.
PLAYER_KEYED_TOPICS = (PLAYER_EVENTS, CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP, *DISPATCH_TOPICS)
#: Lifecycle topics are keyed by the definition's id.
LIFECYCLE_TOPICS = (CARD_LIFECYCLE, SEGMENT_LIFECYCLE)

DLQ_SUFFIX = ".dlq"


def dlq(topic: str) -> str:
    """The dead-letter topic of ``topic``."""
    return topic + DLQ_SUFFIX


def dispatch_topic(channel: str) -> str:
    """``action.dispatch.<channel>``."""
    return ACTION_DISPATCH_PREFIX + channel


_DAY_MS = 86_400_000
#: Streams of facts are kept a week: a consumer that was down for days resumes where it was.
STREAM_CONFIGS: Mapping[str, str] = {"cleanup.policy": "delete", "retention.ms": str(7 * _DAY_MS)}
#: A lifecycle topic keeps the newest event of every card or segment (its key) for ever, so a
#: new consumer group still learns of every deletion; older ones are compacted away after a day.
LIFECYCLE_CONFIGS: Mapping[str, str] = {
    "cleanup.policy": "compact",
    "min.compaction.lag.ms": str(_DAY_MS),
}
#: Dead letters wait for a person to look at them: a month.
DLQ_CONFIGS: Mapping[str, str] = {"cleanup.policy": "delete", "retention.ms": str(30 * _DAY_MS)}


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A topic of the platform and the Kafka configs it is created with.

    Every topic has the platform's partition count (``PLAYERSEG_PARTITIONS``): player-keyed
    ones must, and lifecycle topics follow suit so that one number describes the cluster.
    """

    name: str
    configs: Mapping[str, str]


def topic_specs() -> tuple[TopicSpec, ...]:
    """Every topic with its retention or compaction: the one place these settings live."""
    streams = [TopicSpec(t, STREAM_CONFIGS) for t in PLAYER_KEYED_TOPICS]
    lifecycle = [TopicSpec(t, LIFECYCLE_CONFIGS) for t in LIFECYCLE_TOPICS]
    dead = [TopicSpec(dlq(s.name), DLQ_CONFIGS) for s in (*streams, *lifecycle)]
    return (*streams, *lifecycle, *dead)


def all_topics() -> tuple[str, ...]:
    """Every topic the platform uses, dead-letter topics included."""
    return tuple(spec.name for spec in topic_specs())
