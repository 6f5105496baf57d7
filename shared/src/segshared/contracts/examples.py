"""Examples of every message, built with the models' own constructors on the real bets data:
player 100006's bet 4336 of ``data/bustabit`` and the default catalog's cards and segments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from segshared.contracts.codec import encode
from segshared.contracts.dead_letter import DeadLetter
from segshared.contracts.dispatch import DISPATCH_VERSION, DispatchCommand, DispatchContent
from segshared.contracts.lifecycle import CardLifecycleEvent, SegmentLifecycleEvent
from segshared.contracts.membership import CardMembershipChanged, SegmentMembershipChanged
from segshared.contracts.player_events import (
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
from segshared.topics import PLAYER_EVENTS

AT = datetime(2021, 10, 31, 15, 43, 54, tzinfo=UTC)  # bet 4336 of the real data
PLAYER = "100006"
_SETTLED = "bet:4336:settled"
_CARD_ENTRY = f"card:6:entered:{_SETTLED}"  # Active in the last 24 hours
_SEGMENT_ENTRY = f"seg:4:entered:{_CARD_ENTRY}"  # Hot right now


def bet_placed() -> BetPlaced:
    data = BetPlacedData(bet_id="4336", game_id="3294827", amount=4.0)
    return BetPlaced(event_id="bet:4336:placed", type="bet_placed", version=1,
                     player_id=PLAYER, occurred_at=AT, data=data)  # fmt: skip


def bet_settled() -> BetSettled:
    data = BetSettledData(bet_id="4336", game_id="3294827", outcome="won", amount=0.53,
                          stake=4.0, multiplier=1.1, bonus=0.13, busted_at=1.63)  # fmt: skip
    return BetSettled(event_id=_SETTLED, type="bet_settled", version=1,
                      player_id=PLAYER, occurred_at=AT, data=data)  # fmt: skip


def player_events() -> list[tuple[str, BaseModel]]:
    """``(summary, example)`` of each type of ``player.events``."""
    common: dict[str, Any] = {"version": 1, "player_id": PLAYER, "occurred_at": AT}
    payment = PaymentData(amount=250.0, currency="EUR", method="card")
    return [
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
        ("a stake was placed", bet_placed()),
        ("a bet was won or lost", bet_settled()),
        ("profile fields changed (custom attributes)", ProfileUpdated(
            event_id="prof:100006:1", type="profile_updated", **common,
            data=ProfileData(changes={"vip_tier": "gold", "kyc_verified": True}))),
    ]  # fmt: skip


def card_membership() -> CardMembershipChanged:
    return CardMembershipChanged(
        event_id=_CARD_ENTRY, version=1, occurred_at=AT, player_id=PLAYER, card_id=6,
        change="entered", cards=[2, 6], cause="event", cause_event_id=_SETTLED,
    )  # fmt: skip


def segment_membership() -> SegmentMembershipChanged:
    return SegmentMembershipChanged(
        event_id=_SEGMENT_ENTRY, version=1, occurred_at=AT, player_id=PLAYER, segment_id=4,
        change="entered", cause="event", cause_event_id=_CARD_ENTRY,
    )  # fmt: skip


def segment_lifecycle() -> SegmentLifecycleEvent:
    return SegmentLifecycleEvent(
        event_id="segment:1:segment_created:rev:1", version=1, occurred_at=AT,
        type="segment_created", segment_id=1, revision=1, name="VIPs at risk",
        definition={"include": {"and": [{"card": 1}, {"card": 7}]}},
    )  # fmt: skip


def card_lifecycle() -> CardLifecycleEvent:
    return CardLifecycleEvent(
        event_id="card:1:card_created:1", version=1, occurred_at=AT, type="card_created",
        card_id=1, revision=1, name="High rollers", kind="rule",
    )  # fmt: skip


def dispatch() -> DispatchCommand:
    key = f"a1:{_SEGMENT_ENTRY}:p{PLAYER}"  # action 1 "Hot streak" on segment 4
    return DispatchCommand(
        event_id=key, idempotency_key=key, version=DISPATCH_VERSION, occurred_at=AT,
        action_id=1, action_name="Hot streak", channel="email", player_id=PLAYER,
        occurrence=_SEGMENT_ENTRY, reason="entered", target_kind="segment", target_id=4,
        content=DispatchContent(subject="Hi quince", body="Biggest stake so far: 4.0",
                                variables={"username": "quince", "biggest_bet": "4.0"}),
        cause_event_id=_SEGMENT_ENTRY,
    )  # fmt: skip


def dead_letter() -> DeadLetter:
    """A future version of a real bet's event, as a consumer of this version refuses it."""
    newer = bet_placed().model_copy(update={"version": 2})
    return DeadLetter(
        reason="unsupported_version", detail="bet_placed version 2 is newer than 1",
        topic=PLAYER_EVENTS, partition=5, offset=1234, failed_at=AT, key=PLAYER,
        value=encode(newer).decode(),
    )  # fmt: skip
