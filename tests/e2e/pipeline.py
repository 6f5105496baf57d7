"""The whole platform started from code for the e2e tests, with readers over its state."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playerseg.demo import seed
from playerseg.devstack import Stack, StackConfig, free_ports
from playerseg.devstack.config import DEFAULT_BETS
from playerseg.devstack.idle import wait_idle
from playerseg.replay import ReplayStats, replay_file
from segshared.topics import CARD_MEMBERSHIP, PLAYER_EVENTS
from tests.e2e.readers import ApiReader, RedisReader, member_ids

REQUIRED = ("card-api", "card-worker", "segment-api", "segment-worker")
IDLE_TIMEOUT_S = 600.0
IDLE_STABLE_S = 3.0  # longer than a clock tick and an outbox relay round, so both are seen


@dataclass
class Pipeline:
    """A running stack, seeded with the default catalog; name -> id of its cards and segments."""

    stack: Stack
    log_path: Path
    api: ApiReader
    redis: RedisReader
    card_ids: dict[str, int] = field(default_factory=dict)
    segment_ids: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def partitions(self) -> int:
        return self.stack.config.partitions

    def replay(self, path: Path = DEFAULT_BETS) -> ReplayStats:
        """Publish the bets file at full speed, then wait until every service is idle."""
        started = time.monotonic()
        stats = replay_file(
            path, bootstrap=self.stack.bootstrap, partitions=self.partitions, progress=False
        )
        self.wait_idle()
        replays = sum(1 for name in self.timings if name.startswith("replay"))
        self.timings[f"replay {replays + 1} + idle"] = time.monotonic() - started
        return stats

    def wait_idle(self) -> None:
        """Every record consumed, every outbox relayed, nothing new for a few seconds."""
        wait_idle(
            bootstrap=self.stack.bootstrap,
            redis_url=self.stack.redis_url,
            must_consume=[PLAYER_EVENTS, CARD_MEMBERSHIP],
            key_prefix=self.stack.config.key_prefix,
            check=self.stack.supervisor.check,
            timeout_s=IDLE_TIMEOUT_S,
            stable_s=IDLE_STABLE_S,
        )

    def load_catalog_ids(self) -> None:
        self.card_ids = {c["name"]: int(c["id"]) for c in self.api.cards()}
        self.segment_ids = {s["name"]: int(s["id"]) for s in self.api.segments()}

    # members --------------------------------------------------------------------------------
    def cards_via_api(self) -> dict[str, set[str]]:
        return {
            name: member_ids(f"card {name!r}", *self.api.card_rows(card_id))
            for name, card_id in self.card_ids.items()
        }

    def segments_via_api(self) -> dict[str, set[str]]:
        return {
            name: member_ids(f"segment {name!r}", *self.api.segment_rows(segment_id))
            for name, segment_id in self.segment_ids.items()
        }

    def cards_via_redis(self) -> dict[str, set[str]]:
        return {name: self.redis.card(card_id) for name, card_id in self.card_ids.items()}

    def segments_via_redis(self) -> dict[str, set[str]]:
        return {name: self.redis.segment(sid) for name, sid in self.segment_ids.items()}

    def log_excerpt(self) -> str:
        return log_excerpt(self.log_path)


@contextmanager
def running_pipeline(
    *,
    database_url: str,
    work_dir: Path,
    extra_env: Mapping[str, str] | None = None,
    seed_catalog: bool = True,
    database_services: Sequence[str] = ("card-svc", "segment-svc"),
) -> Iterator[Pipeline]:
    """A fresh stack on free ports (no clash with ``./dev up``), seeded with the default catalog.

    ``extra_env`` reaches every service; ``seed_catalog=False`` leaves the catalog empty (the
    caller creates what it needs); ``database_services`` use ``database_url``, the others a
    SQLite file of their own.
    """
    data_dir = work_dir / "run"
    config = StackConfig(
        ports=free_ports(),
        data_dir=data_dir,
        # The services share the database: distinct tables and Alembic version tables.
        database_urls=dict.fromkeys(database_services, database_url),
        extra_env=dict(extra_env or {}),
    )
    log_path = work_dir / "stack.log"
    with ExitStack() as resources:
        log = resources.enter_context(log_path.open("w"))
        try:
            stack = resources.enter_context(Stack(config, output=log, color=False))
            missing = [name for name in REQUIRED if name not in stack.processes]
            assert not missing, f"not started: {missing}; not importable: {stack.missing}"
            api = ApiReader(
                card_url=stack.api_url("card-svc"),
                segment_url=stack.api_url("segment-svc"),
                headers=stack.api_headers,
            )
            resources.callback(api.close)
            reader = RedisReader(
                url=stack.redis_url, key_prefix=config.key_prefix, partitions=config.partitions
            )
            resources.callback(reader.close)
            pipeline = Pipeline(stack=stack, log_path=log_path, api=api, redis=reader)
            if seed_catalog:
                started = time.monotonic()
                seed(
                    stack.api_url("card-svc"),
                    stack.api_url("segment-svc"),
                    headers=stack.api_headers,
                )
                pipeline.load_catalog_ids()
                pipeline.timings["seed"] = time.monotonic() - started
        except Exception as exc:  # say what the services printed, not only what failed
            log.flush()
            raise AssertionError(
                f"the stack did not come up: {exc}\n{log_excerpt(log_path)}"
            ) from exc
        yield pipeline


def log_excerpt(log_path: Path, lines: int = 30) -> str:
    """Where the services' output is, and its last error lines, for failure messages."""
    text = log_path.read_text(errors="replace").splitlines()
    errors = [ln for ln in text if "ERROR" in ln or "Traceback" in ln or "Error:" in ln]
    tail = "\n".join(errors[-lines:]) or "(no error lines)"
    return f"service output: {log_path} ({len(errors)} error lines; last ones:)\n{tail}"
