"""The whole platform on one machine, startable from code (e2e tests, benchmarks) and the CLI."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from typing import Any, TextIO

from playerseg.devstack.access import StackKeys, stack_keys
from playerseg.devstack.broker import broker_command, wait_for_broker
from playerseg.devstack.config import SERVICE_NAMES, StackConfig, service_spec
from playerseg.devstack.idle import Snapshot, wait_idle
from playerseg.devstack.ports import port_open
from playerseg.devstack.redis_server import redis_command, wait_for_redis
from playerseg.devstack.supervisor import Supervisor
from playerseg.devstack.topics import ensure_topics
from segshared.auth.domain import bearer_headers
from segshared.topics import CARD_MEMBERSHIP, PLAYER_EVENTS

ROLES = ("api", "worker")
CONSOLE_MODULE = "console_app"
INFRA_TIER, SERVICE_TIER = 0, 1


def importable(module: str) -> bool:
    """Whether ``module`` can be found without running it (services may be half-written)."""
    try:
        return importlib.util.find_spec(module) is not None
    except Exception:  # a broken package __init__ counts as absent here
        return False


def _require_free(port: int, what: str) -> None:
    # Else a second stack would talk to the first one's server and never notice.
    if port_open(port):
        raise RuntimeError(
            f"port {port} for {what} is already in use (is another ./dev up running?)"
        )


class Stack:
    """Broker, Redis, topics, migrations and service processes under one :class:`Supervisor`.

    ``with Stack(StackConfig(...)) as stack:`` starts everything and waits until each API
    answers ``/health``; leaving the block stops it all. Options may also be passed as
    keywords: ``Stack(partitions=4, database_urls={"card-svc": url})``.
    """

    def __init__(
        self,
        config: StackConfig | None = None,
        *,
        output: TextIO | None = None,
        color: bool | None = None,
        **options: Any,
    ) -> None:
        self.config = replace(config or StackConfig(), **options)
        self.supervisor = Supervisor(output=output, color=color)
        self.processes: list[str] = []
        self.keys: StackKeys | None = None
        self.missing: list[str] = []

    # where things are ----------------------------------------------------------------------
    @property
    def bootstrap(self) -> str:
        return self.config.kafka_bootstrap

    @property
    def redis_url(self) -> str:
        return self.config.redis

    def api_url(self, service: str) -> str:
        """Base URL of ``service``'s HTTP API, e.g. ``api_url("card-svc")``."""
        return self.config.api_url(service)

    @property
    def admin_key(self) -> str:
        """The operator's key (admin scope), made when the stack started."""
        assert self.keys is not None, "the stack has not started"
        return self.keys.admin

    @property
    def api_headers(self) -> dict[str, str]:
        """Headers presenting the admin key, for tools and tests that call the APIs."""
        return bearer_headers(self.admin_key)

    @property
    def services(self) -> list[str]:
        chosen = self.config.services
        return list(SERVICE_NAMES if chosen is None else chosen)

    # lifecycle ---------------------------------------------------------------------------
    def start(self, *, health_timeout_s: float = 120.0) -> Stack:
        """Start everything; on failure stop what was started and re-raise."""
        try:
            self.start_infra()
            self.create_topics()
            self.migrate()
            self.start_services()
            self.supervisor.wait_healthy(timeout_s=health_timeout_s)
        except BaseException:
            self.stop()
            raise
        return self

    def start_infra(self) -> None:
        """Start the broker and Redis unless the config points at existing ones."""
        cfg = self.config
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        if cfg.bootstrap is None:
            _require_free(cfg.ports.broker, "the broker")
            child = self.supervisor.start(
                "broker", broker_command(cfg.ports.broker), tier=INFRA_TIER
            )
            wait_for_broker(self.bootstrap, proc=child.proc)
        if cfg.redis_url is None:
            _require_free(cfg.ports.redis, "Redis")
            argv = redis_command(cfg.ports.redis, data_dir=cfg.data_dir / "redis")
            child = self.supervisor.start("redis", argv, tier=INFRA_TIER)
            wait_for_redis(self.redis_url, proc=child.proc)
        self.keys = stack_keys(self.redis_url, cfg.key_prefix, cfg.data_dir)

    def create_topics(self) -> list[str]:
        """Create the platform's topics with the configured partition count."""
        created = ensure_topics(self.bootstrap, partitions=self.config.partitions)
        if created:
            self.supervisor.log("stack", f"created topics: {', '.join(created)}")
        return created

    def _module(self, service: str, role: str) -> str | None:
        module = f"{service_spec(service).package}.entrypoints.{role}"
        if importable(module):
            return module
        self.missing.append(module)
        if importable(service_spec(service).package):
            self.supervisor.log("stack", f"{service} has no {role} entrypoint yet")
        else:
            self.supervisor.log("stack", f"warning: {service} is not installed; not started")
        return None

    def migrate(self) -> None:
        """Run each service's ``entrypoints.migrate`` to completion (one at a time)."""
        for service in self.services:
            module = self._module(service, "migrate")
            if module is None:
                continue
            name = f"{service_spec(service).short}-migrate"
            argv = [self.config.python, "-m", module]
            code = self.supervisor.run_once(name, argv, env=self.config.env(), timeout_s=300)
            if code != 0:
                raise RuntimeError(f"{module} failed with exit code {code}")

    def service_env(self) -> dict[str, str]:
        """Environment of every service process: the config's, and the service key."""
        assert self.keys is not None, "keys are made with the infrastructure"
        return {**self.config.env(), "PLAYERSEG_SERVICE_KEY": self.keys.service}

    def start_services(self) -> None:
        """Start each service's API and worker that exist."""
        env = self.service_env()
        for service in self.services:
            for role in ROLES:
                module = self._module(service, role)
                if module is None:
                    continue
                name = f"{service_spec(service).short}-{role}"
                health = None
                if role == "api":
                    _require_free(self.config.port(service), f"{service}'s API")
                    health = f"{self.api_url(service)}/health"
                else:
                    _require_free(self.config.worker_port(service), f"{service}'s worker metrics")
                argv = [self.config.python, "-m", module]
                self.supervisor.start(name, argv, env=env, health_url=health, tier=SERVICE_TIER)
                self.processes.append(name)
        self.start_console()

    @property
    def console_url(self) -> str:
        return self.config.console_url

    def start_console(self) -> None:
        """Start the operator console (screens and API proxy) when wanted and installed."""
        wanted = self.config.console
        if wanted is None:
            wanted = self.config.services is None
        if not wanted:
            return
        if not importable(CONSOLE_MODULE):
            self.missing.append(CONSOLE_MODULE)
            self.supervisor.log("stack", "warning: the console is not installed; not started")
            return
        _require_free(self.config.ports.console, "the console")
        argv = [self.config.python, "-m", CONSOLE_MODULE]
        health = f"{self.console_url}/health"
        env = self.config.console_env()
        self.supervisor.start("console", argv, env=env, health_url=health, tier=SERVICE_TIER)
        self.processes.append("console")

    def wait_idle(self, **kwargs: Any) -> Snapshot:
        """:func:`~playerseg.devstack.idle.wait_idle` on this stack; fails fast if a child died."""
        must = [PLAYER_EVENTS] if "card-worker" in self.processes else []
        if "segment-worker" in self.processes:
            must.append(CARD_MEMBERSHIP)
        options: dict[str, Any] = {
            "must_consume": must,
            "key_prefix": self.config.key_prefix,
            "check": self.supervisor.check,
        }
        options.update(kwargs)
        return wait_idle(bootstrap=self.bootstrap, redis_url=self.redis_url, **options)

    def stop(self) -> None:
        """Stop the services, then the broker and Redis."""
        self.supervisor.stop()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
