"""Player events published by upstream systems on ``player.events``, keyed by player id.

Version 1 of each. A consumer that meets a higher version than it knows dead-letters the
event rather than guess at its meaning.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from segshared.contracts.envelope import Envelope, PlayerId

Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
AttributeName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
AttributeValue = str | float | int | bool | None


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _PlayerEvent(Envelope):
    player_id: PlayerId


class RegistrationData(_Data):
    country: str | None = None
    currency: str | None = None
    language: str | None = None
    email: str | None = None
    username: str | None = None
    affiliate: str | None = None
    email_opt_in: bool | None = None
    sms_opt_in: bool | None = None
    push_opt_in: bool | None = None


class PlayerRegistered(_PlayerEvent):
    type: Literal["player_registered"]
    data: RegistrationData = RegistrationData()


class LoginData(_Data):
    channel: str | None = None  # web, ios, android, ...


class PlayerLoggedIn(_PlayerEvent):
    type: Literal["player_logged_in"]
    data: LoginData = LoginData()


class PaymentData(_Data):
    amount: Amount
    currency: str | None = None
    method: str | None = None


class DepositMade(_PlayerEvent):
    type: Literal["deposit_made"]
    data: PaymentData


class WithdrawalMade(_PlayerEvent):
    type: Literal["withdrawal_made"]
    data: PaymentData


class BetPlacedData(_Data):
    bet_id: str = Field(min_length=1, max_length=64)
    game_id: str | None = None
    amount: Amount  # the stake


class BetPlaced(_PlayerEvent):
    type: Literal["bet_placed"]
    data: BetPlacedData


class BetSettledData(_Data):
    bet_id: str = Field(min_length=1, max_length=64)
    game_id: str | None = None
    outcome: Literal["won", "lost"]
    amount: Amount  # won: the profit; lost: the stake
    stake: Amount | None = None
    multiplier: Amount | None = None  # cashed out at, when won
    bonus: Amount | None = None  # bonus paid with the win, in the stake's unit
    busted_at: Amount | None = None


class BetSettled(_PlayerEvent):
    type: Literal["bet_settled"]
    data: BetSettledData


class ProfileData(_Data):
    changes: dict[AttributeName, AttributeValue] = Field(min_length=1, max_length=100)


class ProfileUpdated(_PlayerEvent):
    type: Literal["profile_updated"]
    data: ProfileData


PlayerEvent = Annotated[
    PlayerRegistered
    | PlayerLoggedIn
    | DepositMade
    | WithdrawalMade
    | BetPlaced
    | BetSettled
    | ProfileUpdated,
    Field(discriminator="type"),
]

#: type -> newest version this code understands.
PLAYER_EVENT_TYPES: dict[str, int] = {
    "player_registered": 1,
    "player_logged_in": 1,
    "deposit_made": 1,
    "withdrawal_made": 1,
    "bet_placed": 1,
    "bet_settled": 1,
    "profile_updated": 1,
}
