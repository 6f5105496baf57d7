"""Options of the embedded default stack and the environment its services read."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playerseg.devstack.ports import DEFAULT_PORTS, Ports

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT / ".run"
DEFAULT_PARTITIONS = 8
DEFAULT_BETS = REPO_ROOT / "data" / "bustabit" / "bets.csv.gz"


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A service of the platform: its distribution name, Python package and env prefix."""

    name: str
    package: str
    short: str
    port_field: str
    worker_port_field: str

    @property
    def env_prefix(self) -> str:
        return self.package.upper()


SERVICES = (
    ServiceSpec("card-svc", "card_svc", "card", "card_api", "card_worker"),
    ServiceSpec("segment-svc", "segment_svc", "segment", "segment_api", "segment_worker"),
    ServiceSpec("action-svc", "action_svc", "action", "action_api", "action_worker"),
    ServiceSpec("export-svc", "export_svc", "export", "export_api", "export_worker"),
)
SERVICE_NAMES = tuple(s.name for s in SERVICES)


def service_spec(name: str) -> ServiceSpec:
    """The spec of ``name`` ("card-svc", ...)."""
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown service {name!r}; one of {', '.join(SERVICE_NAMES)}")


@dataclass(frozen=True)
class StackConfig:
    """How to run the stack. ``bootstrap``/``redis_url`` given: use those, start none."""

    ports: Ports = DEFAULT_PORTS
    data_dir: Path = DEFAULT_DATA_DIR
    partitions: int = DEFAULT_PARTITIONS
    bootstrap: str | None = None
    redis_url: str | None = None
    #: service name ("card-svc") -> SQLAlchemy URL; default: a SQLite file in ``data_dir``.
    database_urls: Mapping[str, str] = field(default_factory=dict)
    key_prefix: str = ""
    #: services to start (names as in SERVICES); None: every one that is importable.
    services: Sequence[str] | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)
    python: str = sys.executable
    #: the operator console (console_app); None: with the full stack (``services`` None) only.
    console: bool | None = None

    @property
    def kafka_bootstrap(self) -> str:
        return self.bootstrap or f"127.0.0.1:{self.ports.broker}"

    @property
    def redis(self) -> str:
        return self.redis_url or f"redis://127.0.0.1:{self.ports.redis}/0"

    def port(self, service: str) -> int:
        return int(getattr(self.ports, service_spec(service).port_field))

    def api_url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.port(service)}"

    def worker_port(self, service: str) -> int:
        """Where ``service``'s worker serves ``/metrics`` and ``/health/*``."""
        return int(getattr(self.ports, service_spec(service).worker_port_field))

    def worker_url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.worker_port(service)}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.console}"

    def console_env(self) -> dict[str, str]:
        """Environment of the console: where it listens and the APIs it proxies."""
        env = {"CONSOLE_HOST": "127.0.0.1", "CONSOLE_PORT": str(self.ports.console)}
        for spec in SERVICES:
            env[f"CONSOLE_{spec.env_prefix}_URL"] = self.api_url(spec.name)
        env.update(self.extra_env)
        return env

    def database_url(self, service: str) -> str:
        if service in self.database_urls:
            return self.database_urls[service]
        return f"sqlite:///{self.data_dir.resolve() / (service + '.db')}"

    def env(self) -> dict[str, str]:
        """Environment of every service process; each reads its own prefix."""
        env = {
            "PLAYERSEG_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "PLAYERSEG_REDIS_URL": self.redis,
            "PLAYERSEG_PARTITIONS": str(self.partitions),
            "PLAYERSEG_KEY_PREFIX": self.key_prefix,
            # Plain lines read best under the stack's prefixes; JSON when asked for.
            "PLAYERSEG_LOG_FORMAT": os.environ.get("PLAYERSEG_LOG_FORMAT", "plain"),
        }
        for spec in SERVICES:
            prefix = spec.env_prefix
            env[f"{prefix}_DATABASE_URL"] = self.database_url(spec.name)
            env[f"{prefix}_HOST"] = "127.0.0.1"
            env[f"{prefix}_PORT"] = str(self.port(spec.name))
            env[f"{prefix}_WORKER_METRICS_PORT"] = str(self.worker_port(spec.name))
            # Faust's state directory, which defaults to the working directory.
            env[f"{prefix}_DATADIR"] = str(self.data_dir.resolve() / f"{spec.short}-worker")
            # Every service learns where the others are, e.g. SEGMENT_SVC_CARD_SVC_URL.
            for other in SERVICES:
                if other is not spec:
                    env[f"{prefix}_{other.env_prefix}_URL"] = self.api_url(other.name)
        env.update(self.extra_env)
        return env
