"""The action definition: what a CRM operator submits, validated with located messages."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    model_validator,
)

from action_svc.domain.channels import (
    CHANNELS,
    Channel,
    ChannelDefinition,
    EmailDefinition,
    PushDefinition,
    SmsDefinition,
    WebhookDefinition,
    channel_definition,
    templated_texts,
)
from action_svc.domain.errors import SpecError, SpecInvalid, as_validation_error
from action_svc.domain.errors import from_validation_error as _from_validation_error
from action_svc.domain.templates import placeholders
from action_svc.domain.timing import CronSchedule, EveryDay, EveryHours, EveryWeek, Schedule
from action_svc.domain.validation import validate_spec
from segshared.inputs import MAX_ROW_ID

__all__ = [
    "CHANNELS", "ActionSpec", "ActionStatus", "ActionType", "Channel", "ChannelDefinition",
    "CronSchedule", "EmailDefinition", "EveryDay", "EveryHours", "EveryWeek", "FrequencyCap",
    "PushDefinition", "Schedule", "SingleSend", "SmsDefinition", "SpecError", "SpecInvalid",
    "Target", "TargetKind", "Trigger", "WebhookDefinition", "channel_definition", "parse_spec",
    "validate_spec",
]  # fmt: skip

ActionType = Literal["triggered", "single_send", "scheduled"]
#: "stopped": the target segment or card was deleted, so the action can never fire again.
ActionStatus = Literal["active", "paused", "completed", "stopped"]
TargetKind = Literal["segment", "card"]
MAX_DELAY_S = 30 * 86_400
MAX_WINDOW_HOURS = 8760


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Model):
    """The segment or card whose members the action addresses."""

    kind: TargetKind
    id: int = Field(ge=1, le=MAX_ROW_ID)


class Trigger(_Model):
    """React to a membership change, optionally after a delay.

    ``only_if_still_member`` matters only with a delay: when the delay ends, an "entered"
    action sends only if the player is still a member, and an "exited" action only if the
    player is still NOT a member (has not come back), so stale messages are never sent.
    """

    on: Literal["entered", "exited"]
    delay_s: int = Field(0, ge=0, le=MAX_DELAY_S)
    only_if_still_member: bool = True


class SingleSend(_Model):
    """One send to the members at ``send_at`` (None: as soon as the action is saved)."""

    send_at: AwareDatetime | None = None


class FrequencyCap(_Model):
    """At most ``max`` messages to one player per ``per_hours`` (sliding window)."""

    max: int = Field(ge=1, le=MAX_ROW_ID)  # stored in an integer column
    per_hours: int = Field(ge=1, le=MAX_WINDOW_HOURS)

    @property
    def window_ms(self) -> int:
        return self.per_hours * 3_600_000


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ActionSpec(_Model):
    """An action as submitted; invalid combinations fail with every problem located.

    ``frequency_cap`` adds to the channel's global cap: both apply, neither overrides.
    """

    name: Name
    description: str = Field("", max_length=2000)
    target: Target
    type: ActionType
    channel: Channel
    definition: dict[str, Any] = Field(
        description="The channel's fields, e.g. email: template_id, or subject and body."
    )
    trigger: Trigger | None = None
    single_send: SingleSend | None = None
    schedule: Schedule | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    frequency_cap: FrequencyCap | None = None

    _definition: ChannelDefinition | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        errors = validate_spec(self)
        if errors:
            raise as_validation_error(type(self).__name__, errors)
        self._definition = channel_definition(self.channel, self.definition)
        return self

    @property
    def channel_config(self) -> ChannelDefinition:
        """The definition parsed into the channel's model."""
        if self._definition is None:  # model_construct skips validation
            self._definition = channel_definition(self.channel, self.definition)
        return self._definition

    @property
    def variables(self) -> list[str]:
        """Distinct field names used in placeholders across the definition, in order."""
        names: dict[str, None] = {}
        for text in templated_texts(self.channel, self.channel_config).values():
            names.update(dict.fromkeys(placeholders(text)))
        return list(names)


def parse_spec(data: Any) -> ActionSpec:
    """``data`` (parsed JSON) as an ActionSpec; raises SpecInvalid listing every problem."""
    try:
        return ActionSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecInvalid(_from_validation_error(exc, model=ActionSpec)) from None
