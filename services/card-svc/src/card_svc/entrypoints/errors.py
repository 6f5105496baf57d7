"""API errors beyond segshared.http's, mapped to responses that say what to fix."""

from __future__ import annotations

from fastapi import FastAPI

from card_svc.service_layer.uploads import UploadError
from segshared.http import errors_member, on_error


class InvalidInput(ValueError):
    """A query or form value that cannot be used (422); ``loc`` names it."""

    def __init__(self, loc: str, msg: str) -> None:
        super().__init__(f"{loc}: {msg}")
        self.loc = loc
        self.msg = msg


class ServiceUnavailable(RuntimeError):
    """A dependency needed for this request is down (503)."""


def install_card_errors(app: FastAPI) -> None:
    on_error(
        app, UploadError, 422, detail=lambda e: f"file: {e}", extra=lambda e: {"errors": e.errors}
    )
    on_error(app, InvalidInput, 422, extra=lambda e: errors_member([(e.loc, e.msg)]))
    on_error(app, ServiceUnavailable, 503)
