"""FastAPI pieces every service uses: errors as RFC 9457 problem details that say what to fix,
and health checks.

Every error response of every service is ``application/problem+json`` with ``type``, ``title``,
``status``, ``detail`` and ``instance``; ``title`` names the kind of problem, ``detail`` this
occurrence and its fix. Extension members: ``errors`` (``[{loc, msg}]``, what to correct in the
request) and ``conflicts`` (what stands in the way of a 409).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from segshared.health import Check, readiness
from segshared.rules import RuleError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
#: Problem types of the platform: ``urn:playerseg:problem:<slug>``, stable across versions.
PROBLEM_TYPE_PREFIX = "urn:playerseg:problem:"
#: status -> (slug, title) of the platform's problem types; other statuses are ``about:blank``.
PROBLEM_TYPES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "The request cannot be read"),
    401: ("unauthenticated", "The request needs a valid API key"),
    403: ("forbidden", "The API key lacks the scope this request needs"),
    404: ("not-found", "The resource does not exist"),
    409: ("conflict", "The request conflicts with the current state"),
    410: ("gone", "The resource is gone for good"),
    422: ("invalid-request", "The request is invalid"),
    500: ("internal-error", "The service failed unexpectedly"),
    503: ("unavailable", "A service this request needs is unavailable"),
}


#: The members RFC 9457 defines; everything else in a problem is an extension.
PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})


class NotFound(LookupError):
    """The addressed resource does not exist (404)."""


class Conflict(RuntimeError):
    """The request conflicts with the current state (409); ``detail`` says which."""

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.detail = detail


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


def problem_type(status: int) -> tuple[str, str]:
    """``(type, title)`` of a status: the platform's type, else ``about:blank`` and the phrase."""
    if status in PROBLEM_TYPES:
        slug, title = PROBLEM_TYPES[status]
        return PROBLEM_TYPE_PREFIX + slug, title
    return "about:blank", HTTPStatus(status).phrase


def problem(
    status: int,
    detail: str,
    *,
    instance: str,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """An RFC 9457 problem; ``instance`` is the request's path, ``extra`` adds members such as
    ``errors``."""
    kind, title = problem_type(status)
    body: dict[str, Any] = {
        "type": kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    return ProblemResponse(body, status_code=status, headers=headers)


E = TypeVar("E", bound=Exception)


def on_error(
    app: FastAPI,
    error: type[E],
    status: int,
    *,
    detail: Callable[[E], str] = str,
    extra: Callable[[E], dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Answer ``error`` with a ``status`` problem whose detail is ``detail(exc)``."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        members = extra(exc) if extra else {}  # type: ignore[arg-type]
        text = detail(exc)  # type: ignore[arg-type]
        return problem(status, text, instance=request.url.path, headers=headers, **members)

    app.add_exception_handler(error, handle)


def on_unavailable(
    app: FastAPI, error: type[Exception], cannot: str, *, then: str = "try again shortly"
) -> None:
    """Answer ``error`` (a peer or store is down) with a 503 naming what could not be done."""
    on_error(app, error, 503, detail=lambda e: f"cannot {cannot}: {e}; {then}")


def errors_member(located: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The ``errors`` extension of a 422: ``[{loc, msg}]``, each field and what to fix."""
    return {"errors": [{"loc": loc, "msg": msg} for loc, msg in located]}


def field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """``[{loc, msg}]`` of a request validation error, ``loc`` dotted (``body.rule.op``)."""
    located = ((".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors())
    errors: list[dict[str, Any]] = errors_member(located)["errors"]
    return errors


def _validation_detail(exc: RequestValidationError) -> str:
    return "invalid request: " + "; ".join(f"{e['loc']}: {e['msg']}" for e in field_errors(exc))


def _unstorable(exc: DataError) -> str:
    reason = str(exc.orig).splitlines()[0] if exc.orig else "out of range"
    return (f"a value of the request cannot be stored ({reason}); numbers must fit 32 bits "
            "where they name or count rows, and text cannot hold NUL characters")  # fmt: skip


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = str(exc.detail)
    allowed = (exc.headers or {}).get("Allow")
    if exc.status_code == 405 and allowed:
        detail = f"{request.method} is not allowed on {request.url.path}; use {allowed}"
    elif exc.status_code == 404 and detail == HTTPStatus.NOT_FOUND.phrase:
        detail = f"there is no {request.url.path}; see /docs for the routes of this API"
    return problem(exc.status_code, detail, instance=request.url.path, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log only; the caller gets an id to quote, never internals.
    incident = uuid.uuid4().hex[:12]
    log.error("incident %s: %s %s failed", incident, request.method, request.url.path,
              exc_info=exc)  # fmt: skip
    detail = f"the service failed unexpectedly (incident {incident}); try again or report it"
    return problem(500, detail, instance=request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    """Every error of ``app`` as a problem: validation, domain errors, HTTP errors, crashes."""
    on_error(app, RuleError, 422, extra=lambda e: errors_member([(e.path, e.message)]))
    on_error(app, RequestValidationError, 422, detail=_validation_detail,
             extra=lambda e: {"errors": field_errors(e)})  # fmt: skip
    on_error(app, NotFound, 404)
    on_error(app, Conflict, 409, extra=lambda e: {"conflicts": e.detail})
    # What input validation let through but the database cannot hold (a too large number).
    on_error(app, DataError, 422, detail=_unstorable)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


#: The 503 of a health check: which dependencies failed (a health report, not a problem).
_UNHEALTHY: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "A dependency does not answer; `checks` names it",
        "x-not-a-problem": True,  # segshared.openapi.NOT_A_PROBLEM: a health report
        "content": {"application/json": {"example": {
            "status": "unavailable", "checks": {"redis": "ok", "broker": "error: timed out"}}}},
    }
}  # fmt: skip


def health_router(checks: Mapping[str, Check], *, ready_also: Mapping[str, Check] | None = None
                  ) -> APIRouter:  # fmt: skip
    """``GET /health/live`` (the process answers), ``GET /health/ready`` (every check and
    ``ready_also``, e.g. the broker) and ``GET /health`` (``checks`` only, as before): 200
    when every dependency answers, else 503 naming the failing ones."""
    router = APIRouter(tags=["health"])
    ready_checks = {**checks, **(ready_also or {})}

    async def answer(of: Mapping[str, Check]) -> JSONResponse:
        healthy, body = await readiness(of)
        return JSONResponse(body, status_code=200 if healthy else 503)

    @router.get("/health", responses=_UNHEALTHY)
    async def health() -> JSONResponse:
        return await answer(checks)

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready", responses=_UNHEALTHY)
    async def ready() -> JSONResponse:
        return await answer(ready_checks)

    return router
