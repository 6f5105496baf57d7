"""Typed settings common to every service; each service subclasses them with its own."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from segshared.keys import Keys


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
