"""The layout of an action's dispatch commands (``segshared.contracts.dispatch``), compiled
once per action for the dispatch script, which renders and assembles each player's command.

Hot path of sends (tens of thousands per second): rendering per player runs inside the Redis
script next to the player's profile (``adapters/lua/dispatch.lua``), so the worker's Python
only walks members. The parts that are the same for every player are serialised here, once.
An integration test validates the script's output against ``DispatchCommand``.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from action_svc.domain.channels import Channel, ChannelDefinition, WebhookDefinition
from action_svc.domain.templates import Placeholder, segments


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


@dataclass(frozen=True, slots=True)
class TextLayout:
    """One templated text of the command: where it goes and its compiled segments."""

    name: str  # "subject", "body", ... ("body" of a webhook request)
    json_escape: bool  # placeholder values go inside JSON text (webhook body templates)
    parts: tuple[str | Placeholder, ...]


@dataclass(frozen=True, slots=True)
class CommandLayout:
    """Everything of a command but the player-specific values, as JSON fragments."""

    #: ',"action_id":..,"action_name":..,"channel":..,"target_kind":..,"target_id":..'
    head: str
    #: ',"content":{...' or ',"webhook":{...' up to the rendered texts (object left open)
    open_part: str
    texts: tuple[TextLayout, ...]
    #: Fields the placeholders name: read from the profile for every player.
    fields: tuple[str, ...]
    #: Whether their values also go into ``content.variables`` (not for webhooks).
    with_variables: bool


def command_layout(
    *, action_id: int, action_name: str, channel: Channel, target_kind: str, target_id: int,
    definition: ChannelDefinition, texts: dict[str, str], variables: tuple[str, ...],
) -> CommandLayout:  # fmt: skip
    """Compile an action's command layout."""
    head = _json({"action_id": action_id, "action_name": action_name, "channel": channel,
                  "target_kind": target_kind, "target_id": target_id})[1:-1]  # fmt: skip
    if isinstance(definition, WebhookDefinition):
        request = {"url": definition.url, "method": definition.method,
                   "headers": definition.headers}  # fmt: skip
        open_part = ',"webhook":' + _json(request)[:-1]
        layouts: tuple[TextLayout, ...] = ()
        if definition.body_template is not None:
            layouts = (TextLayout("body", True, tuple(segments(definition.body_template))),)
        return CommandLayout("," + head, open_part, layouts, variables, False)
    static = {} if definition.template_id is None else {"template_id": definition.template_id}
    open_part = ',"content":' + _json(static)[:-1]
    plain = tuple(TextLayout(name, False, tuple(segments(text))) for name, text in texts.items())
    return CommandLayout("," + head, open_part, plain, variables, True)
