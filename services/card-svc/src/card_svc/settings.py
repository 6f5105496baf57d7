"""card-svc settings: the platform's plus its database, HTTP address and worker tuning."""

from __future__ import annotations

from datetime import timedelta

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from segshared.settings import DatabaseUrl, PlatformSettings, ServiceUrl, metrics_port_field

SERVICE = "card-svc"


def _env(name: str) -> AliasChoices:
    # CARD_SVC_* variables only: a bare PORT or HOST set by a platform must not configure us.
    # Keyword arguments by field name still work (populate_by_name).
    return AliasChoices(f"CARD_SVC_{name.upper()}")


class CardSettings(PlatformSettings):
    """Read from ``PLAYERSEG_*`` (shared) and ``CARD_SVC_*`` (own) environment variables."""

    model_config = SettingsConfigDict(populate_by_name=True)

    database_url: DatabaseUrl = Field(
        "sqlite:///.run/card-svc.db", validation_alias=_env("database_url")
    )
    host: str = Field("127.0.0.1", validation_alias=_env("host"))
    port: int = Field(8101, ge=1, le=65535, validation_alias=_env("port"))
    worker_metrics_port: int = metrics_port_field(8111, _env("worker_metrics_port"))
    segment_svc_url: ServiceUrl = Field(
        "http://127.0.0.1:8102", validation_alias=_env("segment_svc_url")
    )
    app_id: str = Field(SERVICE, validation_alias=_env("app_id"), description="consumer group")
    datadir: str = Field(".run/card-svc-worker", validation_alias=_env("datadir"))
    batch_size: int = Field(2000, ge=1, le=100_000, validation_alias=_env("batch_size"))
    batch_within_s: float = Field(0.2, gt=0, validation_alias=_env("batch_within_s"))
    clock_tick_s: float = Field(0.5, gt=0, validation_alias=_env("clock_tick_s"))
    catalog_poll_s: float = Field(1.0, gt=0, validation_alias=_env("catalog_poll_s"))
    history_interval_s: float = Field(2.0, gt=0, validation_alias=_env("history_interval_s"))
    backfill_chunk: int = Field(500, ge=1, validation_alias=_env("backfill_chunk"))
    # One horizon for dedupe and event history: an event older than this behind the player's
    # newest can be neither told apart from a duplicate nor placed in a window, so it is late.
    retention_days: int = Field(90, ge=1, le=3650, validation_alias=_env("retention_days"))
    max_window_days: int = Field(90, ge=1, le=3650, validation_alias=_env("max_window_days"))

    @classmethod
    def load(cls) -> CardSettings:
        """Settings from the environment (mypy cannot see defaults given through aliases)."""
        return cls()

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.retention_days)

    @property
    def max_window(self) -> timedelta:
        return timedelta(days=self.max_window_days)

    @property
    def sqlite_path(self) -> str | None:
        """The file of a SQLite URL (its folder must exist), else None."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix):
            path = self.database_url[len(prefix) :]
            return path if path and path != ":memory:" else None
        return None
