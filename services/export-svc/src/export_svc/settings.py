"""export-svc settings: the platform's, plus its database, HTTP address, files and tuning."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import SettingsConfigDict

from segshared.settings import DatabaseUrl, PlatformSettings, ServiceUrl, metrics_port_field

SERVICE = "export-svc"


def _env(name: str) -> AliasChoices:
    # EXPORT_SVC_* variables only: a bare PORT or HOST set by a platform must not configure us.
    # Keyword arguments by field name still work (populate_by_name).
    return AliasChoices(f"EXPORT_SVC_{name.upper()}")


class ExportSettings(PlatformSettings):
    """Read from ``PLAYERSEG_*`` (shared) and ``EXPORT_SVC_*`` (own) environment variables."""

    model_config = SettingsConfigDict(populate_by_name=True)

    database_url: DatabaseUrl = Field(
        "sqlite:///.run/export-svc.db", validation_alias=_env("database_url")
    )
    host: str = Field("127.0.0.1", validation_alias=_env("host"))
    port: int = Field(8104, ge=1, le=65535, validation_alias=_env("port"))
    worker_metrics_port: int = metrics_port_field(8114, _env("worker_metrics_port"))
    segment_svc_url: ServiceUrl = Field(
        "http://127.0.0.1:8102", validation_alias=_env("segment_svc_url")
    )
    card_svc_url: ServiceUrl = Field("http://127.0.0.1:8101", validation_alias=_env("card_svc_url"))
    peer_timeout_s: float = Field(10.0, gt=0, validation_alias=_env("peer_timeout_s"))
    #: Where export files are written (jobs, scheduled and on-change exports); by default
    #: ``exports`` next to the worker's data directory (the embedded stack's data folder).
    export_dir: str = Field("", validation_alias=_env("export_dir"))
    #: Finished files are removed this long after they were written.
    retention_s: int = Field(7 * 86_400, ge=60, validation_alias=_env("retention_s"))
    #: Files of a deleted segment are removed at most this long after the deletion.
    deleted_retention_s: int = Field(86_400, ge=0, validation_alias=_env("deleted_retention_s"))
    # Streaming.
    chunk_rows: int = Field(10_000, ge=100, le=100_000, validation_alias=_env("chunk_rows"))
    prefetch: int = Field(3, ge=1, le=16, validation_alias=_env("prefetch"))
    sort_run_rows: int = Field(100_000, ge=1_000, validation_alias=_env("sort_run_rows"))
    snapshot_ttl_s: int = Field(3_600, ge=60, validation_alias=_env("snapshot_ttl_s"))
    # Jobs.
    max_running: int = Field(2, ge=1, le=32, validation_alias=_env("max_running"))
    job_poll_s: float = Field(1.0, gt=0, validation_alias=_env("job_poll_s"))
    progress_every_s: float = Field(0.5, gt=0, validation_alias=_env("progress_every_s"))
    stale_after_s: float = Field(60.0, gt=0, validation_alias=_env("stale_after_s"))
    # Worker.
    app_id: str = Field(SERVICE, validation_alias=_env("app_id"), description="consumer group")
    datadir: str = Field(".run/export-worker", validation_alias=_env("datadir"))
    batch_size: int = Field(5000, ge=1, validation_alias=_env("batch_size"))
    batch_within_s: float = Field(0.5, gt=0, validation_alias=_env("batch_within_s"))
    tick_s: float = Field(1.0, gt=0, validation_alias=_env("tick_s"))
    #: On-change exports wait this long after the last membership change...
    debounce_s: float = Field(60.0, ge=0, validation_alias=_env("debounce_s"))
    #: ...but never longer than this after the first change not yet exported.
    max_delay_s: float = Field(900.0, ge=0, validation_alias=_env("max_delay_s"))

    @model_validator(mode="after")
    def _default_export_dir(self) -> ExportSettings:
        if not self.export_dir:
            self.export_dir = str(Path(self.datadir).parent / "exports")
        return self


def load_settings() -> ExportSettings:
    """Settings from the environment."""
    return ExportSettings()
