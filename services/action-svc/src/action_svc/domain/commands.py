"""Building a dispatch command (``segshared.contracts.dispatch``) for one player.

Hot path of sends (tens of thousands per second): the command is built as a plain dict and
serialised with orjson; a contract test checks that it validates as ``DispatchCommand``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from action_svc.domain.channels import Channel, ChannelDefinition, WebhookDefinition
from action_svc.domain.templates import json_escape, render
from segshared.contracts.dispatch import DISPATCH_VERSION


@dataclass(frozen=True, slots=True)
class CommandTemplate:
    """The parts of an action every command of it shares."""

    action_id: int
    action_name: str
    channel: Channel
    target_kind: str
    target_id: int
    definition: ChannelDefinition
    #: Field name -> text with placeholders (subject, body, ...).
    texts: Mapping[str, str]
    #: Field names whose values the command carries as ``variables``.
    variables: tuple[str, ...]


def build_command(
    template: CommandTemplate,
    *,
    key: str,
    player_id: str,
    occurrence: str,
    reason: str,
    occurred_at: str,
    values: Mapping[str, str | None],
    cause_event_id: str | None = None,
) -> bytes:
    """The command's JSON: texts rendered with the player's ``values`` (player_id included)."""
    values = {**values, "player_id": player_id}
    doc: dict[str, Any] = {
        "type": "dispatch",
        "version": DISPATCH_VERSION,
        "event_id": key,
        "idempotency_key": key,
        "occurred_at": occurred_at,
        "action_id": template.action_id,
        "action_name": template.action_name,
        "channel": template.channel,
        "player_id": player_id,
        "occurrence": occurrence,
        "reason": reason,
        "target_kind": template.target_kind,
        "target_id": template.target_id,
    }
    if cause_event_id is not None:
        doc["cause_event_id"] = cause_event_id
    definition = template.definition
    if isinstance(definition, WebhookDefinition):
        request: dict[str, Any] = {
            "url": definition.url, "method": definition.method, "headers": definition.headers,
        }  # fmt: skip
        if definition.body_template is not None:
            request["body"] = render(definition.body_template, values, escape=json_escape)
        doc["webhook"] = request
    else:
        content: dict[str, Any] = {
            name: render(text, values) for name, text in template.texts.items()
        }
        if definition.template_id is not None:
            content["template_id"] = definition.template_id
        content["variables"] = {name: values.get(name) for name in template.variables}
        doc["content"] = content
    return orjson.dumps(doc)
