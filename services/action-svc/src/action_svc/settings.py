"""action-svc settings: the platform's, plus its database, HTTP address, guards and webhooks."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from segshared.settings import DatabaseUrl, PlatformSettings, ServiceUrl, metrics_port_field

SERVICE = "action-svc"


def _env(name: str) -> AliasChoices:
    # Service-specific variables carry the service's prefix rather than PLAYERSEG_.
    return AliasChoices(f"ACTION_SVC_{name}", f"action_svc_{name.lower()}")


class ActionSettings(PlatformSettings):
    """Read from ``PLAYERSEG_*`` (shared) and ``ACTION_SVC_*`` (own) environment variables."""

    model_config = SettingsConfigDict(populate_by_name=True)

    database_url: DatabaseUrl = Field(
        default="sqlite:///.run/action-svc.db", validation_alias=_env("DATABASE_URL")
    )
    host: str = Field(default="127.0.0.1", validation_alias=_env("HOST"))
    port: int = Field(default=8103, ge=1, le=65535, validation_alias=_env("PORT"))
    worker_metrics_port: int = metrics_port_field(8113, _env("WORKER_METRICS_PORT"))
    segment_svc_url: ServiceUrl = Field(
        default="http://127.0.0.1:8102", validation_alias=_env("SEGMENT_SVC_URL")
    )
    card_svc_url: ServiceUrl = Field(
        default="http://127.0.0.1:8101", validation_alias=_env("CARD_SVC_URL")
    )
    peer_timeout_s: float = Field(default=5.0, gt=0, validation_alias=_env("PEER_TIMEOUT_S"))
    # Worker.
    app_id: str = Field(default=SERVICE, validation_alias=_env("APP_ID"))
    datadir: str = Field(default=".run/action-svc-worker", validation_alias=_env("DATADIR"))
    batch_size: int = Field(default=2000, ge=1, validation_alias=_env("BATCH_SIZE"))
    batch_within_s: float = Field(default=0.1, gt=0, validation_alias=_env("BATCH_WITHIN_S"))
    tick_interval_s: float = Field(default=0.5, gt=0, validation_alias=_env("TICK_INTERVAL_S"))
    #: Members per step of a send (one SSCAN page, one profile read, one script call).
    send_chunk: int = Field(default=1000, ge=1, le=20_000, validation_alias=_env("SEND_CHUNK"))
    #: Idempotency keys are remembered this long: a redelivery older than this is sent again.
    dedupe_ttl_s: int = Field(default=30 * 86_400, ge=3600, validation_alias=_env("DEDUPE_TTL_S"))
    #: Dispatch log entries kept per action and shard (oldest trimmed first).
    log_max_per_shard: int = Field(default=200_000, ge=100, validation_alias=_env("LOG_MAX"))
    # Guards: defaults of the per-channel settings (the API can change them).
    default_rate_limit_per_s: float = Field(
        default=50_000, ge=0, validation_alias=_env("RATE_LIMIT_PER_S")
    )
    # Webhooks.
    webhook_timeout_s: float = Field(default=5.0, gt=0, validation_alias=_env("WEBHOOK_TIMEOUT_S"))
    webhook_max_attempts: int = Field(
        default=6, ge=1, le=30, validation_alias=_env("WEBHOOK_MAX_ATTEMPTS")
    )
    webhook_backoff_base_s: float = Field(
        default=1.0, gt=0, validation_alias=_env("WEBHOOK_BACKOFF_BASE_S")
    )
    webhook_backoff_cap_s: float = Field(
        default=300.0, gt=0, validation_alias=_env("WEBHOOK_BACKOFF_CAP_S")
    )
    webhook_concurrency: int = Field(
        default=64, ge=1, le=1024, validation_alias=_env("WEBHOOK_CONCURRENCY")
    )
    #: Hosts and CIDRs webhooks may reach although private or loopback, comma separated.
    webhook_allow: str = Field(default="", validation_alias=_env("WEBHOOK_ALLOW"))


def load_settings() -> ActionSettings:
    """Settings from the environment."""
    return ActionSettings()
