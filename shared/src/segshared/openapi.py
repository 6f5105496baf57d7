"""OpenAPI of the services: every error response documented as an RFC 9457 problem.

Routes declare the errors only they can give (``responses=problem_responses(409, 503)``);
:func:`document_problems` adds what every route of its shape can give (422 for any input, 404
for a path with an id, 500 anywhere) and describes each as ``application/problem+json``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from segshared.auth.rules import OPEN_PATHS
from segshared.http import PROBLEM_JSON, problem_type

_REF = "#/components/schemas/{model}"
#: status -> (when it happens, an example detail)
_WHEN: dict[int, tuple[str, str]] = {
    400: ("The request cannot be read", "Did not find boundary character 45 at index 2"),
    401: ("No valid API key was sent (missing, unknown, revoked or expired)",
          "this API needs a key: send Authorization: Bearer <key>"),
    403: ("The API key lacks the scope this route needs",
          "the API key 3f2a9c1d7e4b (crm-team) lacks the scope 'write' this route needs"),
    404: ("The addressed resource does not exist", "card 99 does not exist"),
    409: ("The request conflicts with the current state; `conflicts` names what stands in "
          "the way", "a card named 'High rollers' already exists"),
    410: ("The resource existed and is gone for good", "export 7's file passed its retention"),
    422: ("The request is invalid; `errors` lists each offending field and what to fix",
          "include.and[1]: card 99 does not exist"),
    500: ("The service failed; the detail carries an incident id from its log",
          "the service failed unexpectedly (incident 3f2a9c1d7e4b); try again or report it"),
    503: ("A service or store this request needs is down; try again shortly",
          "cannot check the referenced cards: card-svc did not answer; try again shortly"),
}  # fmt: skip


class FieldProblem(BaseModel):
    """One thing to fix: ``loc`` is the dotted path of the field (uploads name a ``line``)."""

    model_config = ConfigDict(extra="allow")

    loc: str | None = None
    msg: str


class Problem(BaseModel):
    """An RFC 9457 problem (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="urn:playerseg:problem:<kind>, or about:blank")
    title: str = Field(description="the kind of problem; the same for every occurrence")
    status: int = Field(description="the HTTP status code")
    detail: str = Field(description="this occurrence, and what to do about it")
    instance: str = Field(description="the path of the request")
    errors: list[FieldProblem] | None = Field(None, description="422: each field to fix")
    conflicts: list[dict[str, Any]] | None = Field(None, description="409: what is in the way")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route that can also answer with these statuses."""
    return {status: {"description": _WHEN[status][0]} for status in statuses}


#: Marks a declared error response whose body is not a problem (it is documented as it is).
NOT_A_PROBLEM = "x-not-a-problem"


def _example(status: int, path: str) -> dict[str, Any]:
    kind, title = problem_type(status)
    detail = _WHEN[status][1]
    instance = re.sub(r"{[^}]+}", "7", path)  # an example path: ids filled in
    example: dict[str, Any] = {"type": kind, "title": title, "status": status,
                               "detail": detail, "instance": instance}  # fmt: skip
    if status == 422:
        example["errors"] = [{"loc": "include.and[1]", "msg": "card 99 does not exist"}]
    return example


def _shape_statuses(path: str, operation: dict[str, Any]) -> set[int]:
    statuses = {500}
    if operation.get("security"):
        statuses |= {401, 403}
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if "{" in path:
        statuses.add(404)
    if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
        statuses.add(400)  # a form that cannot be parsed
    return statuses


def _document(doc: dict[str, Any]) -> None:
    for path, operations in doc.get("paths", {}).items():
        for operation in operations.values():
            if path in OPEN_PATHS:
                operation.pop("security", None)  # probes and scrapers need no key
            responses = operation["responses"]
            declared = {int(s) for s in responses if s.isdigit() and int(s) >= 400}
            for status in sorted(declared | _shape_statuses(path, operation)):
                if responses.get(str(status), {}).get(NOT_A_PROBLEM):
                    continue  # a body of its own, e.g. a health report
                responses[str(status)] = {
                    "description": _WHEN[status][0],
                    "content": {PROBLEM_JSON: {
                        "schema": {"$ref": _REF.format(model="Problem")},
                        "example": _example(status, path),
                    }},
                }  # fmt: skip
            operation["responses"] = dict(sorted(responses.items()))
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    problem = Problem.model_json_schema(ref_template=_REF)
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    doc["components"]["schemas"] = dict(sorted(schemas.items()))


def document_problems(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI describe every error response as a problem."""
    original: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _document(original())  # FastAPI caches the document it builds; amend it in place
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
