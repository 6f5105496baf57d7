"""Composition root of export-svc's HTTP API (skeleton until its issue lands)."""

from __future__ import annotations

from export_svc.settings import ExportSettings
from segshared.skeleton import serve_skeleton

DESCRIPTION = "CSV exports of segments and cards with chosen columns and sort order."


def main() -> None:
    settings = ExportSettings()
    serve_skeleton(
        title="export-svc", description=DESCRIPTION, settings=settings, port=settings.port
    )


if __name__ == "__main__":
    main()
