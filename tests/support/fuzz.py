"""Schemathesis against a service's own OpenAPI, over the test's in-process client.

Cases come from the documented examples and from generated data (deterministic, a bounded
number per operation); each is sent through the test's ``httpx`` client, so the app runs in
the test's event loop over its real adapters, and its response is checked for no server error,
a documented status and content type, and a body that fits the documented schema.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _cases(operation: Any, examples: int) -> list[Any]:
    drawn: list[Any] = []

    @settings(
        max_examples=examples,
        database=None,
        derandomize=True,  # the same cases on every run
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(operation.as_strategy())
    def draw(case: Any) -> None:
        drawn.append(case)

    draw()
    return drawn


def _request(case: Any) -> dict[str, Any]:
    kwargs = case.as_transport_kwargs(base_url="http://app")
    out: dict[str, Any] = {k: kwargs[k] for k in ("method", "url", "headers", "params",
                                                  "json", "files") if k in kwargs}  # fmt: skip
    if "files" in out:  # requests' shape; httpx wants text or bytes for every part
        out["files"] = [(name, (part[0], _text(part[1]), *part[2:])) for name, part in out["files"]]
    data = kwargs.get("data")
    if isinstance(data, str | bytes):
        out["content"] = data
    elif data is not None:
        out["data"] = data
    return out


def _text(value: Any) -> str | bytes:
    return value if isinstance(value, str | bytes) else str(value)


async def fuzz(client: httpx.AsyncClient, *, examples: int = 30) -> list[str]:
    """Every failure of every operation of the API behind ``client`` (empty: none)."""
    doc = (await client.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(doc)
    failures: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for case in _cases(operation, examples):
            try:
                request = client.build_request(**_request(case))
            except (TypeError, ValueError):  # e.g. lone surrogates: no client can send these
                continue
            sent += 1
            try:
                response = await client.send(request)
            except Exception as exc:  # the app raised: a server error, reported with its case
                failures.append(f"{operation.label} raised {exc!r} on {_request(case)}")
                continue
            await response.request.aread()  # multipart bodies stream; the checks read them
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:  # a check failed: keep going, report them all
                failures.append(f"{operation.label} -> {response.status_code}: {exc}")
    assert sent >= 10, f"only {sent} requests were made"
    return failures
