"""Every topic of the platform with its key, its messages, their versions and an example of each.

The published AsyncAPI document (``playerseg contracts``) is rendered from this catalog and the
models it names, so the document cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from segshared.contracts import examples
from segshared.contracts.dead_letter import DeadLetter
from segshared.contracts.dispatch import DISPATCH_CHANNELS, DISPATCH_VERSION, DispatchCommand
from segshared.contracts.lifecycle import CardLifecycleEvent, SegmentLifecycleEvent
from segshared.contracts.membership import CardMembershipChanged, SegmentMembershipChanged
from segshared.contracts.player_events import PLAYER_EVENT_TYPES
from segshared.topics import (
    CARD_LIFECYCLE,
    CARD_MEMBERSHIP,
    PLAYER_EVENTS,
    SEGMENT_LIFECYCLE,
    SEGMENT_MEMBERSHIP,
    dispatch_topic,
)

PLAYER_KEY = "the player id (UTF-8); the partition is Kafka's murmur2 of it"


@dataclass(frozen=True)
class Message:
    """One message of a topic: its name (the ``type``), model, newest version and examples."""

    name: str
    model: type[BaseModel]
    version: int | None  # None: not an event (dead letters)
    summary: str
    examples: tuple[BaseModel, ...]


@dataclass(frozen=True)
class Topic:
    """A Kafka topic: ``address`` may hold ``{channel}`` (the dispatch topics)."""

    address: str
    key: str
    description: str
    producer: str
    messages: tuple[Message, ...]


def _player_events() -> tuple[Message, ...]:
    return tuple(
        Message(kind, type(example), PLAYER_EVENT_TYPES[kind], summary, (example,))
        for summary, example in examples.player_events()
        for kind in [getattr(example, "type")]  # noqa: B009 (each player event has its type)
    )


def _one(name: str, model: type[BaseModel], summary: str, example: BaseModel) -> Message:
    return Message(name, model, 1, summary, (example,))


def dead_letter() -> Message:
    """The message of every ``<topic>.dlq``."""
    summary = "a record that could not be processed, why, and the original key and value"
    return Message("dead_letter", DeadLetter, None, summary, (examples.dead_letter(),))


def topics() -> tuple[Topic, ...]:
    """Every topic but the dead-letter ones (each of these has a ``<topic>.dlq``)."""
    channels = ", ".join(DISPATCH_CHANNELS)
    dispatch = Message("dispatch", DispatchCommand, DISPATCH_VERSION,
                       "send one message of one action to one player, once per idempotency_key",
                       (examples.dispatch(),))  # fmt: skip
    return (
        Topic(PLAYER_EVENTS, PLAYER_KEY, "player activity from upstream systems",
              "upstream systems (and `playerseg replay`)", _player_events()),
        Topic(CARD_MEMBERSHIP, PLAYER_KEY, "card entries and exits, in partition order",
              "card-svc", (_one("card_membership_changed", CardMembershipChanged,
                                "a player entered or exited a card; cards: their card set "
                                "after the change", examples.card_membership()),)),
        Topic(SEGMENT_MEMBERSHIP, PLAYER_KEY, "segment entries and exits, in partition order",
              "segment-svc", (_one("segment_membership_changed", SegmentMembershipChanged,
                                   "a player entered or exited a segment",
                                   examples.segment_membership()),)),
        Topic(SEGMENT_LIFECYCLE, "the segment id as decimal text", "segment definition changes",
              "segment-svc", (_one("segment_lifecycle", SegmentLifecycleEvent,
                                   "a segment was created, updated, cloned or deleted",
                                   examples.segment_lifecycle()),)),
        Topic(CARD_LIFECYCLE, "the card id as decimal text", "card definition changes",
              "card-svc", (_one("card_lifecycle", CardLifecycleEvent,
                                "a card was created, updated or deleted",
                                examples.card_lifecycle()),)),
        Topic(dispatch_topic("{channel}"), PLAYER_KEY,
              f"dispatch commands for campaign dispatchers, one topic per channel ({channels})",
              "action-svc", (dispatch,)),
    )  # fmt: skip
