"""The published AsyncAPI document: up to date with the code, valid AsyncAPI 3.0, complete."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator

from playerseg.contracts import rendered, stale
from playerseg.contracts.files import ASYNCAPI, DOCS, SCHEMAS
from segshared.contracts import DISPATCH_CHANNELS, PLAYER_EVENT_TYPES
from segshared.topics import all_topics
from tests.unit.contracts.schemas import problems

with warnings.catch_warnings():  # the package's models shadow BaseModel.schema
    warnings.simplefilter("ignore", UserWarning)
    from asyncapi3 import AsyncAPI3


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load((DOCS / ASYNCAPI).read_text(encoding="utf-8"))


def test_every_published_file_is_what_the_code_generates() -> None:
    differ = stale(rendered())
    assert not differ, f"stale: {[str(p) for p in differ]}; run `playerseg contracts`"


def test_the_document_is_asyncapi_3(document: dict[str, Any]) -> None:
    AsyncAPI3.model_validate(document)
    assert document["asyncapi"] == "3.0.0"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    refs = _refs(document)
    assert len(refs) > 50
    for ref in refs:
        _resolve(document, ref)


def _addresses(document: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for channel in document["channels"].values():
        address = channel["address"]
        values = channel.get("parameters", {}).get("channel", {}).get("enum", [None])
        out |= {address.replace("{channel}", v) if v else address for v in values}
    return out


def test_every_topic_of_the_platform_is_a_channel(document: dict[str, Any]) -> None:
    # all_topics() is the list `playerseg topics` creates on the broker.
    assert _addresses(document) == set(all_topics())
    assert "action.dispatch.{channel}" in {c["address"] for c in document["channels"].values()}
    assert set(DISPATCH_CHANNELS) == {"email", "sms", "push", "webhook"}


def test_each_message_has_key_version_and_an_example_that_fits(
    document: dict[str, Any],
) -> None:
    messages = document["components"]["messages"]
    assert set(PLAYER_EVENT_TYPES) <= set(messages)
    for name, message in messages.items():
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        assert message["examples"], name
        for example in message["examples"]:
            payload = example["payload"]
            assert not problems(name, payload), (name, problems(name, payload))
            if name != "dead_letter":
                assert payload["version"] == message["x-version"]
        if name in PLAYER_EVENT_TYPES:
            assert message["x-version"] == PLAYER_EVENT_TYPES[name]


def test_every_schema_is_valid_json_schema(document: dict[str, Any]) -> None:
    files = sorted((DOCS / SCHEMAS).glob("*.json"))
    assert {f.stem for f in files} == set(document["components"]["messages"])
    for path in files:
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
    # In the document, payloads are AsyncAPI schemas: a superset of JSON Schema draft 7.
    for schema in document["components"]["schemas"].values():
        Draft7Validator.check_schema(schema)
