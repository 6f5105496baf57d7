"""The published OpenAPI documents: every error is a documented problem, every example fits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from playerseg.contracts.files import DOCS, OPENAPI
from segshared.openapi import NOT_A_PROBLEM

SERVICES = ("card-svc", "segment-svc", "action-svc", "export-svc")
PROBLEM_JSON = "application/problem+json"
METHODS = {"get", "post", "put", "patch", "delete"}


def _load(service: str) -> dict[str, Any]:
    return json.loads((DOCS / OPENAPI / f"{service}.json").read_text(encoding="utf-8"))


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in doc["paths"].items()
            for method, op in ops.items() if method in METHODS]  # fmt: skip


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    # Refs point into the document's components; carry them along.
    return Draft202012Validator({**schema, "components": doc["components"]})


def test_the_documents_are_there() -> None:
    assert sorted(p.stem for p in (DOCS / OPENAPI).glob("*.json")) == sorted(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_response_is_a_problem(service: str) -> None:
    doc = _load(service)
    for path, method, op in _operations(doc):
        responses = op["responses"]
        errors = {int(s): r for s, r in responses.items() if int(s) >= 400}
        where = f"{method.upper()} {path}"
        if op.get("parameters") or op.get("requestBody"):
            assert 422 in errors, where
        if "{" in path:
            assert 404 in errors, where
        assert 500 in errors, where
        for status, response in errors.items():
            if response.get(NOT_A_PROBLEM):
                assert path.startswith("/health"), (where, status)  # only health reports
                continue
            content = response["content"]
            assert list(content) == [PROBLEM_JSON], (where, status)
            assert content[PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}
            example = content[PROBLEM_JSON]["example"]
            assert example["status"] == status
            problem = _validator(doc, {"$ref": "#/components/schemas/Problem"})
            assert not list(problem.iter_errors(example)), (where, status)
    assert "HTTPValidationError" not in doc["components"]["schemas"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_example_fits_its_schema(service: str) -> None:
    doc = _load(service)
    seen = 0
    for name, schema in doc["components"]["schemas"].items():
        for example in schema.get("examples", []):
            found = [e.message for e in _validator(doc, schema).iter_errors(example)]
            assert not found, (name, found)
            seen += 1
    assert seen >= 2, f"{service} documents too few examples"


@pytest.mark.parametrize(
    ("service", "method", "path"),
    [
        ("card-svc", "post", "/cards"),
        ("segment-svc", "post", "/segments"),
        ("segment-svc", "post", "/segments/execute"),
        ("action-svc", "post", "/actions"),
        ("export-svc", "post", "/exports"),
        ("export-svc", "post", "/schedules"),
    ],
)
def test_main_requests_carry_examples(service: str, method: str, path: str) -> None:
    doc = _load(service)
    body = doc["paths"][path][method]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    examples = body.get("examples") or schema.get("examples")
    assert examples, f"{method.upper()} {path}"
