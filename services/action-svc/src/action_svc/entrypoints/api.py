"""Composition root of action-svc's HTTP API (skeleton until its issue lands)."""

from __future__ import annotations

from action_svc.settings import ActionSettings
from segshared.skeleton import serve_skeleton

DESCRIPTION = "Actions on segments and cards: Triggered, Single Send, Scheduled."


def main() -> None:
    settings = ActionSettings()
    serve_skeleton(
        title="action-svc", description=DESCRIPTION, settings=settings, port=settings.port
    )


if __name__ == "__main__":
    main()
