"""Typed settings common to every service; each service subclasses them with its own."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from segshared.db import with_installed_driver
from segshared.keys import Keys


def _service_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be an http(s) URL, e.g. http://127.0.0.1:8102")
    return value.rstrip("/")


#: Base URL of another service's API (http/https; no trailing slash).
ServiceUrl = Annotated[str, AfterValidator(_service_url)]
#: SQLAlchemy URL of a service's database (``postgresql://`` read as psycopg 3).
DatabaseUrl = Annotated[str, AfterValidator(with_installed_driver)]


def metrics_port_field(default: int, alias: AliasChoices) -> Any:
    """The setting of a worker's metrics port (``/metrics``, ``/health/*``; 0: any free one)."""
    return Field(default, ge=0, le=65535, validation_alias=alias,
                 description="the worker's /metrics and /health/*; 0: any free port")  # fmt: skip


class PlatformSettings(BaseSettings):
    """Where the broker and Redis are, and how the keyspace is sharded.

    Read from ``PLAYERSEG_*`` environment variables (and a ``.env`` file if present).
    """

    model_config = SettingsConfigDict(env_prefix="PLAYERSEG_", env_file=".env", extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:19092", description="host:port[,host:port...]")
    redis_url: str = "redis://127.0.0.1:6390/0"
    partitions: int = Field(8, ge=1, le=1024, description="of every player-keyed topic")
    key_prefix: str = Field("", description="prefix of every Redis key")
    log_level: str = "INFO"
    #: The key this service sends when it calls another one (``playerseg keys create``).
    service_key: str = Field("", description="API key for calls to other services")
    log_format: Literal["json", "plain"] = Field(
        "json", description="json lines (production) or plain text (a developer's console)"
    )
    # Short group timeouts suit the embedded broker, whose joins wait for the rebalance timeout.
    consumer_session_timeout_s: float = Field(6.0, gt=0)
    consumer_rebalance_timeout_s: float = Field(6.0, gt=0)

    @field_validator("kafka_bootstrap")
    @classmethod
    def _bootstrap_has_port(cls, value: str) -> str:
        for server in value.split(","):
            host, _, port = server.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"{server!r} must be host:port")
        return value

    @property
    def keys(self) -> Keys:
        return Keys(self.key_prefix)

    @property
    def bootstrap_servers(self) -> list[str]:
        return [s.strip() for s in self.kafka_bootstrap.split(",")]
