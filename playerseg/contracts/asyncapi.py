"""The AsyncAPI 3.0 document and the JSON Schemas of every message, rendered from the catalog.

Pure: documents in, documents out; :mod:`playerseg.contracts.files` writes them.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any

from pydantic import BaseModel

from segshared.contracts import DISPATCH_CHANNELS
from segshared.contracts.catalog import Message, dead_letter, topics
from segshared.topics import PLAYER_EVENTS, dlq

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KAFKA_BINDING = "0.5.0"
_COMPONENT_REF = "#/components/schemas/{model}"

DESCRIPTION = (
    "Every Kafka topic of the player segmentation platform. Records are JSON objects, one per "
    "record value, versioned by their `version` member; names are in the past tense and never "
    "renamed. A consumer that meets a newer `version` than it knows dead-letters the record "
    "(`unsupported_version`) on `<topic>.dlq`. Times are ISO 8601 with a zone. Player-keyed "
    "topics share one partition count (`PLAYERSEG_PARTITIONS`), so partition p of each holds "
    "the same players. Generated from the code by `playerseg contracts`; do not edit by hand."
)


def channel_id(address: str) -> str:
    """``player.events.dlq`` -> ``playerEventsDlq``."""
    words = [w for w in re.split(r"[.{}_]+", address) if w]
    return words[0] + "".join(w.capitalize() for w in words[1:])


def message_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A standalone JSON Schema (2020-12) of a message's payload."""
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema()}


def _component_schemas(messages: list[Message]) -> dict[str, Any]:
    """Each model's schema with its nested definitions hoisted into ``components.schemas``."""
    out: dict[str, Any] = {}
    for message in messages:
        schema = message.model.model_json_schema(ref_template=_COMPONENT_REF)
        out.update(schema.pop("$defs", {}))
        out[message.model.__name__] = schema
    return dict(sorted(out.items()))


def _message(message: Message, key: str) -> dict[str, Any]:
    versioned = f" Version {message.version}." if message.version else ""
    return {
        "name": message.name,
        "title": message.name.replace("_", " ").capitalize(),
        "summary": message.summary,
        "description": f"{(message.model.__doc__ or '').strip()}{versioned}".strip(),
        "contentType": "application/json",
        "payload": {"$ref": _COMPONENT_REF.format(model=message.model.__name__)},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": key},
                "bindingVersion": KAFKA_BINDING,
            }
        },
        "examples": [
            {
                "name": f"{message.name}_{i + 1}",
                "summary": f"key {_key_of(example)}",
                "payload": example.model_dump(mode="json", exclude_none=True),
            }
            for i, example in enumerate(message.examples)
        ],
        **({"x-version": message.version} if message.version else {}),
    }


def _key_of(example: BaseModel) -> str:
    for field in ("player_id", "segment_id", "card_id", "key"):
        value = getattr(example, field, None)
        if value is not None:
            return str(value)
    return "none"


def _channel(address: str, messages: list[Message], description: str) -> Any:
    doc: dict[str, Any] = {
        "address": address,
        "description": description,
        "messages": {m.name: {"$ref": f"#/components/messages/{m.name}"} for m in messages},
    }
    if "{channel}" in address:
        doc["parameters"] = {"channel": {"enum": list(DISPATCH_CHANNELS),
                                         "description": "the action's channel"}}  # fmt: skip
    else:
        doc["bindings"] = {"kafka": {"topic": address, "bindingVersion": KAFKA_BINDING}}
    return doc


def _operation(action: str, channel: str, messages: list[Message], summary: str) -> Any:
    refs = [{"$ref": f"#/channels/{channel}/messages/{m.name}"} for m in messages]
    return {"action": action, "channel": {"$ref": f"#/channels/{channel}"},
            "summary": summary, "messages": refs}  # fmt: skip


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every topic, dead-letter topics included."""
    letter = dead_letter()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in topics():
        main, dead = channel_id(topic.address), channel_id(dlq(topic.address))
        own = list(topic.messages)
        channels[main] = _channel(topic.address, own, topic.description)
        channels[dead] = _channel(
            dlq(topic.address), [letter], f"dead letters of {topic.address}, keyed as the original"
        )
        consumed = topic.address == PLAYER_EVENTS
        operations[main] = _operation(
            "receive" if consumed else "send", main, own, f"published by {topic.producer}"
        )
        operations[dead] = _operation(
            "send", dead, [letter], f"records of {topic.address} its consumers could not process"
        )
        messages.update({m.name: _message(m, topic.key) for m in own})
    messages[letter.name] = _message(letter, "the original record's key")
    every = [m for t in topics() for m in t.messages] + [letter]
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Player segmentation platform: event contracts",
            "version": version("segshared"),
            "description": DESCRIPTION,
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": "127.0.0.1:19092",
                "protocol": "kafka",
                "description": "the embedded broker of ./dev up; in production "
                "PLAYERSEG_KAFKA_BOOTSTRAP",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": _component_schemas(every)},
    }


def message_schemas() -> dict[str, dict[str, Any]]:
    """``file name -> JSON Schema`` of every message (``bet_placed.json``, ...)."""
    every = [m for t in topics() for m in t.messages] + [dead_letter()]
    return {f"{m.name}.json": message_schema(m.model) for m in every}
