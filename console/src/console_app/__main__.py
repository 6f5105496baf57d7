"""``python -m console_app``: serve the console on CONSOLE_HOST:CONSOLE_PORT (127.0.0.1:8100)."""

from __future__ import annotations

import logging

import uvicorn

from console_app.app import create_app
from console_app.settings import ConsoleSettings


def main() -> None:
    settings = ConsoleSettings.from_env()
    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
    )


if __name__ == "__main__":
    main()
