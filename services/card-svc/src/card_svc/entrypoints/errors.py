"""API errors beyond segshared.http's, mapped to responses that say what to fix."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from card_svc.service_layer.uploads import UploadError
from segshared.http import problem


class InvalidInput(ValueError):
    """A query or form value that cannot be used (422); ``loc`` names it."""

    def __init__(self, loc: str, msg: str) -> None:
        super().__init__(f"{loc}: {msg}")
        self.loc = loc
        self.msg = msg


class ServiceUnavailable(RuntimeError):
    """A dependency needed for this request is down (503)."""


def install_card_errors(app: FastAPI) -> None:
    @app.exception_handler(UploadError)
    async def _upload(_: Request, exc: UploadError) -> JSONResponse:
        return problem(422, f"file: {exc}", errors=exc.errors)

    @app.exception_handler(InvalidInput)
    async def _invalid(_: Request, exc: InvalidInput) -> JSONResponse:
        return problem(422, str(exc), errors=[{"loc": exc.loc, "msg": exc.msg}])

    @app.exception_handler(ServiceUnavailable)
    async def _unavailable(_: Request, exc: ServiceUnavailable) -> JSONResponse:
        return problem(503, str(exc))
