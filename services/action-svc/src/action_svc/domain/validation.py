"""Checks across the fields of an action definition, each naming where and what to fix."""

from __future__ import annotations

import difflib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from action_svc.domain.channels import channel_definition, templated_texts
from action_svc.domain.errors import SpecError, SpecInvalid
from action_svc.domain.templates import TemplateError, placeholders
from segshared.fields import ATTRIBUTE_PREFIX, FIELDS, field_spec

if TYPE_CHECKING:
    from action_svc.domain.model import ActionSpec

# Which optional block each action type needs; the others must be absent.
_BLOCK_OF_TYPE = {"triggered": "trigger", "single_send": "single_send", "scheduled": "schedule"}
_EXAMPLE = {
    "trigger": '{"on": "entered"}',
    "single_send": '{} to send now, or {"send_at": "2026-01-31T09:00:00Z"}',
    "schedule": '{"every": "day", "at": "09:00", "timezone": "Europe/Malta"}',
}
#: How far in the past a single send may be scheduled (clock skew between client and server).
PAST_GRACE = timedelta(minutes=5)


class KnownFields:
    """Field names a placeholder may use: the registry and custom ``attributes.<name>``."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and field_spec(name) is not None


KNOWN_FIELDS = KnownFields()


def unknown_field_message(name: str) -> str:
    """Why ``{{name}}`` is refused, with the closest known names."""
    names = [f.name for f in FIELDS]
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return (
        f"unknown field '{name}' in placeholder {{{{{name}}}}}; {hint}known fields: "
        f"{', '.join(names)}, or {ATTRIBUTE_PREFIX}<name> for custom attributes"
    )


def _definition_errors(spec: ActionSpec) -> list[SpecError]:
    try:
        parsed = channel_definition(spec.channel, spec.definition)
    except SpecInvalid as exc:
        return exc.errors
    errors: list[SpecError] = []
    for field, text in templated_texts(spec.channel, parsed).items():
        loc = f"definition.{field}"
        try:
            names = placeholders(text)
        except TemplateError as exc:
            errors.append(SpecError(loc, str(exc)))
            continue
        errors.extend(
            SpecError(loc, unknown_field_message(n)) for n in names if n not in KNOWN_FIELDS
        )
    return errors


def _type_errors(spec: ActionSpec) -> list[SpecError]:
    errors: list[SpecError] = []
    wanted = _BLOCK_OF_TYPE[spec.type]
    for block in _BLOCK_OF_TYPE.values():
        present = getattr(spec, block) is not None
        if block == wanted and not present:
            errors.append(
                SpecError(block, f"required when type is '{spec.type}', e.g. {_EXAMPLE[block]}")
            )
        elif block != wanted and present:
            errors.append(SpecError(block, f"not allowed when type is '{spec.type}'; remove it"))
    return errors


def _window_errors(spec: ActionSpec) -> list[SpecError]:
    errors: list[SpecError] = []
    if spec.starts_at and spec.ends_at and spec.ends_at <= spec.starts_at:
        errors.append(SpecError("ends_at", "must be later than starts_at"))
    send_at = spec.single_send.send_at if spec.single_send else None
    if send_at is not None:
        if spec.starts_at and send_at < spec.starts_at:
            errors.append(SpecError("single_send.send_at", "is before starts_at"))
        if spec.ends_at and send_at >= spec.ends_at:
            errors.append(SpecError("single_send.send_at", "is not before ends_at"))
    return errors


def validate_spec(spec: ActionSpec) -> list[SpecError]:
    """Every problem across fields: definition per channel, placeholders, type blocks, dates."""
    return _definition_errors(spec) + _type_errors(spec) + _window_errors(spec)


def check_timing(spec: ActionSpec, now: datetime) -> list[SpecError]:
    """Problems that depend on the current time (the service layer passes its clock)."""
    errors: list[SpecError] = []
    if spec.ends_at is not None and spec.ends_at <= now:
        errors.append(SpecError("ends_at", f"is in the past (now is {now.isoformat()})"))
    send_at = spec.single_send.send_at if spec.single_send else None
    if send_at is not None and send_at < now - PAST_GRACE:
        errors.append(SpecError("single_send.send_at", "is in the past; omit it to send now"))
    return errors
