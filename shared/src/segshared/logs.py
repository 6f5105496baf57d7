"""One logging setup for every entrypoint: JSON lines in production, plain text on a console.

A JSON line has ``timestamp``, ``level``, ``service``, ``logger``, ``message``, and, when
set, ``correlation_id`` and ``event_id`` (segshared.correlation), ``exception``, and any
``extra={...}`` fields of the call.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

from segshared import correlation

LogFormat = Literal["json", "plain"]

#: Attributes every LogRecord has; anything else came from ``extra=`` and is logged too.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName",
}  # fmt: skip


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        ids = {"correlation_id": correlation.correlation_id.get(),
               "event_id": correlation.event_id.get()}  # fmt: skip
        doc.update({k: v for k, v in ids.items() if v is not None})
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in doc:
                doc[key] = value
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(doc, default=str).decode()


class PlainFormatter(logging.Formatter):
    """The console format, with the correlation id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        current = correlation.correlation_id.get()
        return f"{text} [correlation_id={current}]" if current else text


def configure_logging(*, service: str, level: str, fmt: LogFormat) -> None:
    """Send every logger's records (uvicorn's, Faust's, ours) to stdout in ``fmt``."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service) if fmt == "json" else PlainFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.captureWarnings(True)  # warnings become log lines too, not bare stderr text
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "faust", "mode", "aiokafka"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
