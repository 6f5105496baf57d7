"""Where the console listens and where the services it proxies are (``CONSOLE_*`` variables)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    host: str = "127.0.0.1"
    port: int = 8100
    card_svc_url: str = "http://127.0.0.1:8101"
    segment_svc_url: str = "http://127.0.0.1:8102"
    action_svc_url: str = "http://127.0.0.1:8103"
    export_svc_url: str = "http://127.0.0.1:8104"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ConsoleSettings:
        """Defaults overridden by ``CONSOLE_HOST``, ``CONSOLE_PORT``, ``CONSOLE_CARD_SVC_URL``..."""
        env = os.environ if env is None else env
        base = cls()
        return cls(
            host=env.get("CONSOLE_HOST", base.host),
            port=int(env.get("CONSOLE_PORT", base.port)),
            card_svc_url=env.get("CONSOLE_CARD_SVC_URL", base.card_svc_url).rstrip("/"),
            segment_svc_url=env.get("CONSOLE_SEGMENT_SVC_URL", base.segment_svc_url).rstrip("/"),
            action_svc_url=env.get("CONSOLE_ACTION_SVC_URL", base.action_svc_url).rstrip("/"),
            export_svc_url=env.get("CONSOLE_EXPORT_SVC_URL", base.export_svc_url).rstrip("/"),
        )

    def routes(self) -> dict[str, str]:
        """First path segment under ``/api/`` -> the service base URL that serves it."""
        return {
            "cards": self.card_svc_url,
            "segments": self.segment_svc_url,
            "actions": self.action_svc_url,
            "channels": self.action_svc_url,
            "exports": self.export_svc_url,
            # export-svc's registry carries ``masked`` for this caller: Column Settings need it.
            "fields": self.export_svc_url,
        }
