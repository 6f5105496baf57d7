"""What each channel sends: the per-channel definition models and their templated texts."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from action_svc.domain import urlguard
from action_svc.domain.errors import SpecError, SpecInvalid, from_validation_error

Channel = Literal["email", "sms", "push", "webhook"]
CHANNELS: tuple[Channel, ...] = ("email", "sms", "push", "webhook")

TemplateId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


Subject = Annotated[str, StringConstraints(min_length=1, max_length=998)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200)]
SmsBody = Annotated[str, StringConstraints(min_length=1, max_length=1600)]
PushBody = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=200_000)]
Link = Annotated[str, StringConstraints(min_length=1, max_length=2048)]


_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110 token
# Framing and identity are the adapter's: overriding them breaks delivery or deduplication.
RESERVED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "idempotency-key"}
)


class _Definition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _either(template_id: str | None, parts: dict[str, str | None], names: str) -> None:
    given = [k for k, v in parts.items() if v is not None]
    if template_id is not None and given:
        raise ValueError(f"give either template_id or {names}, not both")
    if template_id is None and len(given) < len(parts):
        missing = [k for k in parts if parts[k] is None]
        raise ValueError(f"give template_id, or {names} (missing: {', '.join(missing)})")


class EmailDefinition(_Definition):
    """An email: a provider template, or a subject and body written here."""

    template_id: TemplateId | None = None
    subject: Subject | None = None
    body: LongText | None = None
    from_name: Title | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        _either(self.template_id, {"subject": self.subject, "body": self.body}, "subject and body")
        return self


class SmsDefinition(_Definition):
    """A text message: a provider template or a body."""

    template_id: TemplateId | None = None
    body: SmsBody | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        _either(self.template_id, {"body": self.body}, "body")
        return self


class PushDefinition(_Definition):
    """A push notification: a provider template, or a title and body; optional deep link."""

    template_id: TemplateId | None = None
    title: Title | None = None
    body: PushBody | None = None
    deep_link: Link | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        _either(self.template_id, {"title": self.title, "body": self.body}, "title and body")
        return self


class WebhookDefinition(_Definition):
    """An HTTP call; ``body_template`` None sends the dispatch command as JSON."""

    url: str = Field(max_length=urlguard.MAX_URL_LENGTH)
    method: Literal["POST", "PUT", "PATCH"] = "POST"
    headers: dict[str, str] = Field(default_factory=dict, max_length=50)
    body_template: LongText | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        # The URL is fixed so that its host is vetted once here and again at every call.
        if "{{" in url:
            raise ValueError("placeholders are not allowed in the URL; use body_template")
        reason = urlguard.check_url_syntax(url)
        if reason is not None:
            raise ValueError(reason)
        return url

    @field_validator("headers")
    @classmethod
    def _headers(cls, headers: dict[str, str]) -> dict[str, str]:
        seen: set[str] = set()
        for name, value in headers.items():
            if not _TOKEN.match(name):
                raise ValueError(f"header name {name!r} is not a valid HTTP token")
            if name.lower() in RESERVED_HEADERS:
                raise ValueError(f"header {name!r} is set by action-svc and cannot be overridden")
            if name.lower() in seen:
                raise ValueError(f"header {name!r} is given twice (names ignore case)")
            seen.add(name.lower())
            if any(c in value for c in "\r\n\0") or len(value) > 8192:
                raise ValueError(f"header {name!r}: value has a line break or is over 8192 chars")
        return headers


ChannelDefinition = EmailDefinition | SmsDefinition | PushDefinition | WebhookDefinition
DEFINITION_MODELS: dict[Channel, type[ChannelDefinition]] = {
    "email": EmailDefinition,
    "sms": SmsDefinition,
    "push": PushDefinition,
    "webhook": WebhookDefinition,
}
#: Fields of each channel's definition that may hold {{ placeholders }}.
TEMPLATED_FIELDS: dict[Channel, tuple[str, ...]] = {
    "email": ("subject", "body", "from_name"),
    "sms": ("body",),
    "push": ("title", "body", "deep_link"),
    "webhook": ("body_template",),
}


def channel_definition(channel: str, data: Any) -> ChannelDefinition:
    """``data`` validated as ``channel``'s definition; raises SpecInvalid (locs "definition.*")."""
    model = DEFINITION_MODELS.get(cast(Channel, channel))
    if model is None:
        raise SpecInvalid([SpecError("channel", f"must be one of {', '.join(CHANNELS)}")])
    if not isinstance(data, dict):
        raise SpecInvalid([SpecError("definition", f"must be an object with {channel} fields")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecInvalid(from_validation_error(exc, prefix="definition", model=model)) from None


def templated_texts(channel: Channel, definition: ChannelDefinition) -> dict[str, str]:
    """Field name -> text of each templated field that is set."""
    texts: dict[str, str] = {}
    for name in TEMPLATED_FIELDS[channel]:
        value = getattr(definition, name, None)
        if isinstance(value, str):
            texts[name] = value
    return texts
