"""Kafka topic names. Every player-keyed topic has the same partition count (DESIGN decision 2)."""

from __future__ import annotations

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


def all_topics() -> tuple[str, ...]:
    """Every topic the platform uses, dead-letter topics included."""
    base = PLAYER_KEYED_TOPICS + LIFECYCLE_TOPICS
    return base + tuple(dlq(t) for t in base)
