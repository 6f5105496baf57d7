"""Dispatch commands: action-svc -> downstream campaign dispatchers, on
``action.dispatch.<channel>``, keyed by player id.

A command, so it is named in the imperative (``dispatch``). Version 1. ``event_id`` equals
``idempotency_key``: the same (action, occurrence, player) always yields the same key, on every
redelivery, so a dispatcher sends a key once and drops any repeat.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from segshared.contracts.envelope import Envelope, EventId, PlayerId

DispatchChannel = Literal["email", "sms", "push", "webhook"]
DISPATCH_CHANNELS: tuple[DispatchChannel, ...] = ("email", "sms", "push", "webhook")
#: Why a player got the dispatch: a membership change, a single send or a scheduled send.
DispatchReason = Literal["entered", "exited", "single_send", "scheduled"]
DISPATCH_VERSION = 1


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DispatchContent(_Part):
    """What to send on email, SMS or push: a template id, or text already rendered."""

    template_id: str | None = None
    subject: str | None = None
    title: str | None = None
    body: str | None = None
    from_name: str | None = None
    deep_link: str | None = None
    #: The player's values of the fields the action's placeholders name (for templates).
    variables: dict[str, str | None] = Field(default_factory=dict)


class WebhookRequest(_Part):
    """The HTTP request action-svc makes for a Web API action."""

    url: str
    method: Literal["POST", "PUT", "PATCH"] = "POST"
    headers: dict[str, str] = Field(default_factory=dict)
    #: Rendered body template; absent: the command itself is the JSON body.
    body: str | None = None


class DispatchCommand(Envelope):
    """Send one message of one action to one player, once."""

    type: Literal["dispatch"] = "dispatch"
    idempotency_key: EventId
    action_id: int
    action_name: str
    channel: DispatchChannel
    player_id: PlayerId
    occurrence: str
    reason: DispatchReason
    target_kind: Literal["segment", "card"]
    target_id: int
    content: DispatchContent | None = None
    webhook: WebhookRequest | None = None
    #: The membership event that triggered it (triggered actions only).
    cause_event_id: str | None = None
