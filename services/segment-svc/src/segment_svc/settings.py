"""segment-svc settings: the platform's, plus its database, HTTP address and limits."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from segshared.settings import DatabaseUrl, PlatformSettings, ServiceUrl, metrics_port_field

SERVICE = "segment-svc"


def _env(name: str) -> AliasChoices:
    # Service-specific variables carry the service's prefix rather than PLAYERSEG_.
    return AliasChoices(f"SEGMENT_SVC_{name}", f"segment_svc_{name.lower()}")


class SegmentSettings(PlatformSettings):
    """Read from ``PLAYERSEG_*`` (shared) and ``SEGMENT_SVC_*`` (own) environment variables."""

    model_config = SettingsConfigDict(populate_by_name=True)

    database_url: DatabaseUrl = Field(
        default="sqlite:///.run/segment-svc.db", validation_alias=_env("DATABASE_URL")
    )
    host: str = Field(default="127.0.0.1", validation_alias=_env("HOST"))
    port: int = Field(default=8102, ge=1, le=65535, validation_alias=_env("PORT"))
    worker_metrics_port: int = metrics_port_field(8112, _env("WORKER_METRICS_PORT"))
    card_svc_url: ServiceUrl = Field(
        default="http://127.0.0.1:8101", validation_alias=_env("CARD_SVC_URL")
    )
    action_svc_url: ServiceUrl = Field(
        default="http://127.0.0.1:8103", validation_alias=_env("ACTION_SVC_URL")
    )
    card_svc_timeout_s: float = Field(
        default=5.0, gt=0, validation_alias=_env("CARD_SVC_TIMEOUT_S")
    )
    max_depth: int = Field(default=8, ge=1, le=64, validation_alias=_env("MAX_DEPTH"))
    max_nodes: int = Field(default=200, ge=1, le=10_000, validation_alias=_env("MAX_NODES"))
    # Worker.
    app_id: str = Field(
        default=SERVICE, validation_alias=_env("APP_ID"), description="consumer group"
    )
    datadir: str = Field(default=".run/segment-svc-worker", validation_alias=_env("DATADIR"))
    batch_size: int = Field(default=5000, ge=1, validation_alias=_env("BATCH_SIZE"))
    batch_within_s: float = Field(default=0.1, gt=0, validation_alias=_env("BATCH_WITHIN_S"))
    poll_interval_s: float = Field(default=1.0, gt=0, validation_alias=_env("POLL_INTERVAL_S"))
    # Card events remembered per player, so that a redelivery is not applied twice.
    applied_kept: int = Field(default=32, ge=1, le=1000, validation_alias=_env("APPLIED_KEPT"))
    applied_ttl_s: int = Field(default=86_400, ge=60, validation_alias=_env("APPLIED_TTL_S"))
    scratch_ttl_s: int = Field(default=300, ge=10, validation_alias=_env("SCRATCH_TTL_S"))
    history_interval_s: float = Field(
        default=2.0, gt=0, validation_alias=_env("HISTORY_INTERVAL_S")
    )


def load_settings() -> SegmentSettings:
    """Settings from the environment."""
    return SegmentSettings()
