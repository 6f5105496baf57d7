"""Every topic of the platform with its key, its messages, their versions and an example of each.

The published AsyncAPI document (``playerseg contracts``) is rendered from this catalog and the
models it names, so the document cannot drift from the code. Examples are built with the models'
own constructors on the real bets data (player 100006's bet 4336 of ``data/bustabit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from segshared.contracts.codec import encode
from segshared.contracts.dead_letter import DeadLetter
from segshared.contracts.dispatch import (
    DISPATCH_CHANNELS,
    DISPATCH_VERSION,
    DispatchCommand,
    DispatchContent,
)
from segshared.contracts.lifecycle import CardLifecycleEvent, SegmentLifecycleEvent
from segshared.contracts.membership import CardMembershipChanged, SegmentMembershipChanged
from segshared.contracts.player_events import (
    PLAYER_EVENT_TYPES,
    BetPlaced,
    BetPlacedData,
    BetSettled,
    BetSettledData,
    DepositMade,
    LoginData,
    PaymentData,
    PlayerLoggedIn,
    PlayerRegistered,
    ProfileData,
    ProfileUpdated,
    RegistrationData,
    WithdrawalMade,
)
from segshared.topics import (
    CARD_LIFECYCLE,
    CARD_MEMBERSHIP,
    PLAYER_EVENTS,
    SEGMENT_LIFECYCLE,
    SEGMENT_MEMBERSHIP,
    dispatch_topic,
)

PLAYER_KEY = "the player id (UTF-8); the partition is Kafka's murmur2 of it"
_AT = datetime(2021, 10, 31, 15, 43, 54, tzinfo=UTC)  # bet 4336 of the real data
_PLAYER = "100006"


@dataclass(frozen=True)
class Message:
    """One message of a topic: its ``type`` value(s), model, newest version and examples."""

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


def _bet_placed() -> BetPlaced:
    data = BetPlacedData(bet_id="4336", game_id="3294827", amount=4.0)
    return BetPlaced(event_id="bet:4336:placed", type="bet_placed", version=1,
                     player_id=_PLAYER, occurred_at=_AT, data=data)  # fmt: skip


def _bet_settled() -> BetSettled:
    data = BetSettledData(bet_id="4336", game_id="3294827", outcome="won", amount=0.53,
                          stake=4.0, multiplier=1.1, bonus=0.13, busted_at=1.63)  # fmt: skip
    return BetSettled(event_id="bet:4336:settled", type="bet_settled", version=1,
                      player_id=_PLAYER, occurred_at=_AT, data=data)  # fmt: skip


def _player_events() -> tuple[Message, ...]:
    common: dict[str, Any] = {"version": 1, "player_id": _PLAYER, "occurred_at": _AT}
    payment = PaymentData(amount=250.0, currency="EUR", method="card")
    samples: list[tuple[str, BaseModel]] = [
        ("a player signed up", PlayerRegistered(
            event_id="reg:100006", type="player_registered", **common,
            data=RegistrationData(country="MT", currency="EUR", language="en",
                                  username="quince", email_opt_in=True, sms_opt_in=False))),
        ("a player logged in", PlayerLoggedIn(
            event_id="login:100006:1", type="player_logged_in", **common,
            data=LoginData(channel="web"))),
        ("money in", DepositMade(
            event_id="dep:100006:1", type="deposit_made", **common, data=payment)),
        ("money out", WithdrawalMade(
            event_id="wd:100006:1", type="withdrawal_made", **common, data=payment)),
        ("a stake was placed", _bet_placed()),
        ("a bet was won or lost", _bet_settled()),
        ("profile fields changed (custom attributes)", ProfileUpdated(
            event_id="prof:100006:1", type="profile_updated", **common,
            data=ProfileData(changes={"vip_tier": "gold", "kyc_verified": True}))),
    ]  # fmt: skip
    return tuple(
        Message(kind, type(example), PLAYER_EVENT_TYPES[kind], summary, (example,))
        for summary, example in samples
        for kind in [getattr(example, "type")]  # noqa: B009 (each player event has its type)
    )


def _card_membership() -> Message:
    example = CardMembershipChanged(
        event_id="card:2:entered:bet:4336:settled", version=1, occurred_at=_AT,
        player_id=_PLAYER, card_id=2, change="entered", cards=[1, 2], cause="event",
        cause_event_id="bet:4336:settled",
    )  # fmt: skip
    summary = "a player entered or exited a card; cards: their card set after the change"
    return Message("card_membership_changed", CardMembershipChanged, 1, summary, (example,))


def _segment_membership() -> Message:
    example = SegmentMembershipChanged(
        event_id="seg:1:entered:card:2:entered:bet:4336:settled", version=1, occurred_at=_AT,
        player_id=_PLAYER, segment_id=1, change="entered", cause="event",
        cause_event_id="card:2:entered:bet:4336:settled",
    )  # fmt: skip
    summary = "a player entered or exited a segment"
    return Message("segment_membership_changed", SegmentMembershipChanged, 1, summary, (example,))


def _lifecycle() -> tuple[Message, Message]:
    segment = SegmentLifecycleEvent(
        event_id="segment:1:segment_created:1", version=1, occurred_at=_AT,
        type="segment_created", segment_id=1, revision=1, name="VIPs at risk",
        definition={"include": {"and": [{"card": 1}, {"card": 7}]}},
    )  # fmt: skip
    card = CardLifecycleEvent(
        event_id="card:1:card_created:1", version=1, occurred_at=_AT, type="card_created",
        card_id=1, revision=1, name="High rollers", kind="rule",
    )  # fmt: skip
    return (
        Message("segment_lifecycle", SegmentLifecycleEvent, 1,
                "a segment was created, updated, cloned or deleted", (segment,)),
        Message("card_lifecycle", CardLifecycleEvent, 1,
                "a card was created, updated or deleted", (card,)),
    )  # fmt: skip


def _dispatch() -> Message:
    example = DispatchCommand(
        event_id="a1:seg:4:entered:p100006", idempotency_key="a1:seg:4:entered:p100006",
        version=DISPATCH_VERSION, occurred_at=_AT, action_id=1, action_name="Hot streak",
        channel="email", player_id=_PLAYER, occurrence="seg:4:entered", reason="entered",
        target_kind="segment", target_id=4,
        content=DispatchContent(subject="Hi quince", body="Biggest stake so far: 4.0",
                                variables={"username": "quince", "biggest_bet": "4.0"}),
        cause_event_id="seg:4:entered:card:2:entered:bet:4336:settled",
    )  # fmt: skip
    summary = "send one message of one action to one player, once per idempotency_key"
    return Message("dispatch", DispatchCommand, DISPATCH_VERSION, summary, (example,))


def dead_letter() -> Message:
    """The message of every ``<topic>.dlq``: here a future version of a real bet's event."""
    newer = _bet_placed().model_copy(update={"version": 2})
    example = DeadLetter(
        reason="unsupported_version", detail="bet_placed version 2 is newer than 1",
        topic=PLAYER_EVENTS, partition=5, offset=1234, failed_at=_AT, key=_PLAYER,
        value=encode(newer).decode(),
    )  # fmt: skip
    summary = "a record that could not be processed, why, and the original key and value"
    return Message("dead_letter", DeadLetter, None, summary, (example,))


def topics() -> tuple[Topic, ...]:
    """Every topic but the dead-letter ones (each of these has a ``<topic>.dlq``)."""
    segment_lifecycle, card_lifecycle = _lifecycle()
    channels = ", ".join(DISPATCH_CHANNELS)
    return (
        Topic(PLAYER_EVENTS, PLAYER_KEY, "player activity from upstream systems",
              "upstream systems (and `playerseg replay`)", _player_events()),
        Topic(CARD_MEMBERSHIP, PLAYER_KEY, "card entries and exits, in partition order",
              "card-svc", (_card_membership(),)),
        Topic(SEGMENT_MEMBERSHIP, PLAYER_KEY, "segment entries and exits, in partition order",
              "segment-svc", (_segment_membership(),)),
        Topic(SEGMENT_LIFECYCLE, "the segment id as decimal text", "segment definition changes",
              "segment-svc", (segment_lifecycle,)),
        Topic(CARD_LIFECYCLE, "the card id as decimal text", "card definition changes",
              "card-svc", (card_lifecycle,)),
        Topic(dispatch_topic("{channel}"), PLAYER_KEY,
              f"dispatch commands for campaign dispatchers, one topic per channel ({channels})",
              "action-svc", (_dispatch(),)),
    )  # fmt: skip
