"""Checks of RFC 9457 problem responses, shared by every service's tests."""

from __future__ import annotations

from typing import Any

import httpx

from playerseg.contracts.openapi import APPS
from tests.support.auth import AdmitAll

PROBLEM_JSON = "application/problem+json"
#: The problem types the README documents, by status.
TYPES = {
    401: "urn:playerseg:problem:unauthenticated",
    403: "urn:playerseg:problem:forbidden",
    404: "urn:playerseg:problem:not-found",
    405: "about:blank",
    409: "urn:playerseg:problem:conflict",
    410: "urn:playerseg:problem:gone",
    422: "urn:playerseg:problem:invalid-request",
    500: "urn:playerseg:problem:internal-error",
    503: "urn:playerseg:problem:unavailable",
}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The body of ``response``, after checking it is a problem of ``status``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["type"] == TYPES[status]
    assert body["status"] == status
    assert body["instance"] == response.request.url.path
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in response.text
    return body


async def assert_http_errors_are_problems(
    client: httpx.AsyncClient, *, wrong_method: tuple[str, str, str]
) -> None:
    """An unknown route is a 404 and a wrong method a 405 naming the allowed ones."""
    body = assert_problem(await client.get("/no/such/route"), 404)
    assert "/docs" in body["detail"]
    method, path, allowed = wrong_method
    response = await client.request(method, path)
    body = assert_problem(response, 405)
    assert allowed in response.headers["allow"] and allowed in body["detail"]
    assert body["title"] == "Method Not Allowed"


async def assert_a_crash_is_a_problem(service: str, path: str) -> None:
    """A failure nobody foresaw (here: the service's database has no tables) is a 500
    problem with an incident id, and nothing of the failure's internals."""
    app = APPS[service]()
    app.state.authenticator = AdmitAll()  # this test is about the database, not keys
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        response = await client.get(path)
    body = assert_problem(response, 500)
    assert "incident" in body["detail"]
    for internal in ("sqlite", "no such table", "OperationalError", "SELECT"):
        assert internal not in response.text
