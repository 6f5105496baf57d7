"""FastAPI pieces every service uses: errors that say what to fix, and health checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from segshared.health import Check, readiness
from segshared.rules import RuleError


class NotFound(LookupError):
    """The addressed resource does not exist (404)."""


class Conflict(RuntimeError):
    """The request conflicts with the current state (409); ``detail`` says which."""

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.detail = detail


def problem(status: int, title: str, **extra: Any) -> JSONResponse:
    """An RFC 9457-style error body; ``extra`` adds members such as ``errors``."""
    body: dict[str, Any] = {"status": status, "title": title, "detail": title, **extra}
    return JSONResponse(body, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors to 4xx responses whose text names the field and the fix."""

    @app.exception_handler(RuleError)
    async def _rule_error(_: Request, exc: RuleError) -> JSONResponse:
        return problem(422, str(exc), errors=[{"loc": exc.path, "msg": exc.message}])

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]} for e in exc.errors()
        ]
        summary = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors)
        return problem(422, f"invalid request: {summary}", errors=errors)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return problem(404, str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(_: Request, exc: Conflict) -> JSONResponse:
        return problem(409, str(exc), conflicts=exc.detail)


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

    @router.get("/health")
    async def health() -> JSONResponse:
        return await answer(checks)

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready() -> JSONResponse:
        return await answer(ready_checks)

    return router
