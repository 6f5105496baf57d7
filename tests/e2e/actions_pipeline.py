"""The stack with triggered actions on "Frequent net losers", and what they dispatched.

Only what the segment needs is created (two all-time cards, the segment), so the stack does
less work than the default catalog's and no window card flaps with the stream clock. Two
triggered actions watch the segment: a Web API call on entry, to a local receiver, and an
email on exit. Everything is read back from the topics, the receiver and the actions API.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import redis

from action_svc.adapters.action_keys import ActionKeys
from action_svc.domain.idempotency import dispatch_key, triggered_occurrence
from playerseg.demo.catalog import CARDS
from playerseg.demo.seed import wait_ready
from playerseg.devstack.config import DEFAULT_BETS
from playerseg.devstack.idle import wait_idle
from playerseg.replay import ReplayStats, replay_file
from segshared.keys import Keys
from segshared.topics import CARD_MEMBERSHIP, PLAYER_EVENTS, SEGMENT_MEMBERSHIP, dispatch_topic
from tests.e2e.kafka_io import end_offsets, records_between
from tests.e2e.pipeline import IDLE_STABLE_S, IDLE_TIMEOUT_S, Pipeline, running_pipeline
from tests.integration.action_svc.webhook_receiver import WebhookReceiver
from tests.support.postgres import fresh_database

SEGMENT = "Frequent net losers"
CARD_NAMES = ("Frequent players", "Net losers")  # all-time cards of the default catalog
WEBHOOK, EMAIL = dispatch_topic("webhook"), dispatch_topic("email")
WORKER = "action-worker"
ENV = {
    "ACTION_SVC_WEBHOOK_ALLOW": "127.0.0.1/32",  # the receiver is on loopback
    "ACTION_SVC_TICK_INTERVAL_S": "0.3",  # the worker announces what it loaded sooner
}
_API_TIMEOUT_S = 30.0
_SUMMARY = re.compile(r"([\d,]+) events \(([\d,]+) rows, ([\d,]+) skipped\)")


@dataclass
class ActionsStack:
    """A running stack with the segment, its two actions and the receiver of the webhooks."""

    pipeline: Pipeline
    receiver: WebhookReceiver
    http: httpx.Client
    redis: redis.Redis
    segment_id: int = 0
    entry_action: int = 0  # Web API, on entry
    exit_action: int = 0  # email, on exit
    kills: list[str] = field(default_factory=list)  # what each SIGKILL interrupted
    kill_points: list[int] = field(default_factory=list)  # webhook requests seen at each kill
    #: Webhook requests the replay causes at least (players who end as members): the kills
    #: are aimed at shares of it, so they land while the worker still has work.
    kill_pace: int = 0

    @property
    def bootstrap(self) -> str:
        return self.pipeline.stack.bootstrap

    @property
    def action_keys(self) -> ActionKeys:
        return ActionKeys(Keys(self.pipeline.stack.config.key_prefix))

    def url(self, service: str, path: str) -> str:
        return self.pipeline.stack.api_url(service) + path

    def post(self, service: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(self.url(service, path), json=body)
        assert response.status_code == 201, f"POST {path}: {response.status_code} {response.text}"
        out: dict[str, Any] = response.json()
        return out

    def get(self, service: str, path: str) -> Any:
        response = self.http.get(self.url(service, path))
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    # set-up -------------------------------------------------------------------------------
    def create_definitions(self) -> None:
        """The two cards and the segment, built (ready) before a single event arrives."""
        rules = {name: rule for name, _, rule in CARDS if name in CARD_NAMES}
        card_ids = [
            int(self.post("card-svc", "/cards", {"name": n, "rule": rules[n]})["id"])
            for n in CARD_NAMES
        ]
        wait_ready(self.http, self.url("card-svc", ""), card_ids, timeout_s=120)
        include = {"and": [{"card": card_id} for card_id in card_ids]}
        body = {"name": SEGMENT, "include": include}
        self.segment_id = int(self.post("segment-svc", "/segments", body)["id"])
        _wait(lambda: bool(self.get("segment-svc", f"/segments/{self.segment_id}")["ready"]),
              what=f"segment {self.segment_id} to be built")  # fmt: skip

    def create_actions(self) -> None:
        target = {"kind": "segment", "id": self.segment_id}
        self.entry_action = int(self.post("action-svc", "/actions", {
            "name": "Tell the CRM about new frequent net losers", "target": target,
            "type": "triggered", "trigger": {"on": "entered"}, "channel": "webhook",
            "definition": {"url": f"{self.receiver.url}/crm/entered"},
        })["id"])  # fmt: skip
        self.exit_action = int(self.post("action-svc", "/actions", {
            "name": "Glad you are back on track", "target": target, "type": "triggered",
            "trigger": {"on": "exited"}, "channel": "email",
            "definition": {"subject": "Nice run", "body": "Your results are looking up."},
        })["id"])  # fmt: skip
        seen = self.action_keys.catalogue_seen()

        def loaded() -> bool:
            raw = self.redis.hmget(seen, [str(self.entry_action), str(self.exit_action)])
            return all(isinstance(v, bytes) and v.endswith(b":active") for v in raw)

        _wait(loaded, what="the action worker to load both actions")

    # running ------------------------------------------------------------------------------
    def replay(self, *, kill_with: random.Random | None = None, kills: int = 3) -> ReplayStats:
        """Replay the bets file and wait until idle; optionally SIGKILL the worker meanwhile.

        With ``kill_with`` (the random source), the replay is published from a thread while
        this one kills and restarts the action worker ``kills`` times, at random points of
        the work: when the receiver has got a random share of ``kill_pace``, plus a
        random delay; the worker stays down a random moment before it restarts.
        """
        started = time.monotonic()
        if kill_with is None:
            stats = replay_file(DEFAULT_BETS, bootstrap=self.bootstrap,
                                partitions=self.pipeline.partitions, progress=False)  # fmt: skip
        else:
            stats = self._replay_while_killing(kill_with, kills)
        self.wait_idle()
        self.pipeline.timings["replay + idle"] = time.monotonic() - started
        return stats

    def _replay_while_killing(self, rng: random.Random, kills: int) -> ReplayStats:
        # The replay runs as its own process (``playerseg replay``): encoding 100,000 events
        # in a thread of this one would starve the receiver's threads of the GIL.
        publisher = subprocess.Popen(
            [sys.executable, "-m", "playerseg", "replay", str(DEFAULT_BETS), "--no-progress",
             "--bootstrap", self.bootstrap, "--partitions", str(self.pipeline.partitions)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            total = max(1, self.kill_pace)
            shares = sorted(rng.uniform(0.05, 0.9) for _ in range(kills))
            supervisor = self.pipeline.stack.supervisor
            for share in shares:
                target = int(share * total)
                _wait(partial(self._received_at_least, target),
                      what=f"{target} webhook requests", timeout_s=IDLE_TIMEOUT_S)  # fmt: skip
                time.sleep(rng.uniform(0.0, 0.5))
                got = len(self.receiver.requests)
                supervisor.kill(WORKER)
                self.kill_points.append(got)
                self.kills.append(f"SIGKILL at {got} webhook requests (aimed at {target})")
                time.sleep(rng.uniform(0.0, 1.0))
                supervisor.restart(WORKER)
            output, _ = publisher.communicate(timeout=IDLE_TIMEOUT_S)
        finally:
            if publisher.poll() is None:
                publisher.kill()
                publisher.wait()
        assert publisher.returncode == 0, f"the replay failed: {output}"
        summary = _SUMMARY.search(output)
        assert summary, f"no summary in the replay's output: {output}"
        events, rows, skipped = (int(summary[i].replace(",", "")) for i in (1, 2, 3))
        assert skipped == 0, f"the replay skipped rows: {output}"
        return ReplayStats(rows=rows, events=events)

    def _received_at_least(self, n: int) -> bool:
        self.pipeline.stack.supervisor.check()  # a crash of another service fails fast
        return len(self.receiver.requests) >= n

    def wait_idle(self) -> None:
        """Idle through the action worker: memberships consumed, its outbox relayed, the
        webhook topic consumed and no webhook retry waiting."""
        keys, parts = self.action_keys, range(self.pipeline.partitions)

        def retries() -> dict[str, int]:
            pipe = self.redis.pipeline(transaction=False)
            for p in parts:
                pipe.zcard(keys.webhook_retry(p))
                pipe.zcard(keys.delayed(p))
            counts = pipe.execute()
            return {"webhook retries": sum(counts[0::2]), "delayed triggers": sum(counts[1::2])}

        wait_idle(
            bootstrap=self.bootstrap, redis_url=self.pipeline.stack.redis_url,
            must_consume=[PLAYER_EVENTS, CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP, WEBHOOK],
            key_prefix=self.pipeline.stack.config.key_prefix,
            check=self.pipeline.stack.supervisor.check, timeout_s=IDLE_TIMEOUT_S,
            stable_s=IDLE_STABLE_S, busy=retries,
        )  # fmt: skip

    # reading back -------------------------------------------------------------------------
    def topic(self, topic: str) -> list[dict[str, Any]]:
        """Every record of ``topic``, in partition order (so in order per player)."""
        return records_between(self.bootstrap, {}, end_offsets(self.bootstrap, [topic]))

    def stats(self, action_id: int) -> dict[str, int]:
        out: dict[str, int] = self.get("action-svc", f"/actions/{action_id}/stats")
        return out

    def log(self, action_id: int, *, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """The action's dispatch log (newest first), without the outcomes in ``skip``."""
        entries: list[dict[str, Any]] = []
        cursor = ""
        while True:
            page = self.get("action-svc", f"/actions/{action_id}/log?limit=1000{cursor}")
            entries += [e for e in page["items"] if e["outcome"] not in skip]
            if page["next"] is None:
                return entries
            cursor = f"&before={page['next']}"


@contextmanager
def actions_stack(work_dir: Path) -> Iterator[ActionsStack]:
    """A fresh stack (its own PostgreSQL database) with the segment and both actions."""
    with ExitStack() as resources:
        database_url = resources.enter_context(fresh_database("e2eactions"))
        receiver = WebhookReceiver().start()
        resources.callback(receiver.close)
        pipeline = resources.enter_context(
            running_pipeline(database_url=database_url, work_dir=work_dir, extra_env=ENV,
                             seed_catalog=False,
                             database_services=("card-svc", "segment-svc", "action-svc"))
        )  # fmt: skip
        assert WORKER in pipeline.stack.processes, f"not started: {pipeline.stack.missing}"
        http = resources.enter_context(
            httpx.Client(timeout=_API_TIMEOUT_S, headers=pipeline.stack.api_headers)
        )
        client = redis.Redis.from_url(pipeline.stack.redis_url)
        resources.callback(client.close)
        stack = ActionsStack(pipeline=pipeline, receiver=receiver, http=http, redis=client)
        try:
            started = time.monotonic()
            stack.create_definitions()
            stack.create_actions()
            pipeline.timings["definitions"] = time.monotonic() - started
        except Exception as exc:
            raise AssertionError(f"set-up failed: {exc}\n{pipeline.log_excerpt()}") from exc
        yield stack


def _wait(check: Any, *, what: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(0.2)


# checks ------------------------------------------------------------------------------------
_BET_EVENT = re.compile(r"^bet:(\d+):(placed|settled)$")


@dataclass(frozen=True, slots=True)
class Change:
    """One segment transition as segment.membership carries it."""

    event_id: str
    player_id: str
    change: str
    cause_bet: tuple[int, str] | None  # (bet id, "bet_placed"/"bet_settled") it followed


@dataclass
class Dispatched:
    """The distinct dispatches of one action on its topic."""

    keys: set[str]
    per_player: Counter[str]
    records: int  # records on the topic, repeats (at-least-once relay) included
    problems: list[str]


def segment_changes(
    segment_records: list[dict[str, Any]], card_records: list[dict[str, Any]], segment_id: int
) -> dict[str, list[Change]]:
    """Per player, the segment's transitions in order, each event id once, with the player
    event each followed (segment event -> its card event -> that card event's cause)."""
    card_cause = {str(r["event_id"]): r.get("cause_event_id") for r in card_records}
    seen: set[str] = set()
    out: dict[str, list[Change]] = defaultdict(list)
    for r in segment_records:
        if r.get("segment_id") != segment_id or r["event_id"] in seen:
            continue
        seen.add(r["event_id"])
        match = _BET_EVENT.match(str(card_cause.get(str(r.get("cause_event_id"))) or ""))
        cause = (int(match[1]), f"bet_{match[2]}") if match else None
        out[str(r["player_id"])].append(
            Change(str(r["event_id"]), str(r["player_id"]), str(r["change"]), cause)
        )
    return dict(out)


def dispatched(records: list[dict[str, Any]], action_id: int, reason: str) -> Dispatched:
    """Distinct idempotency keys of ``action_id`` and what is wrong with its records."""
    by_key: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    count = 0
    for r in records:
        if r.get("action_id") != action_id:
            continue
        count += 1
        key = str(r["idempotency_key"])
        if r["event_id"] != key:
            problems.append(f"{key}: event_id {r['event_id']!r} is not the idempotency key")
        if r["reason"] != reason:
            problems.append(f"{key}: reason {r['reason']!r}, want {reason!r}")
        earlier = by_key.setdefault(key, r)
        if earlier is not r and earlier != r:
            problems.append(f"{key}: two different commands under one key")
    per_player = Counter(str(r["player_id"]) for r in by_key.values())
    return Dispatched(set(by_key), per_player, count, problems)


def expected_keys(action_id: int, changes: dict[str, list[Change]], change: str) -> set[str]:
    """The idempotency key of ``action_id`` for each ``change`` event of the segment."""
    return {
        dispatch_key(action_id, triggered_occurrence(c.event_id), c.player_id)
        for player_changes in changes.values()
        for c in player_changes
        if c.change == change
    }


def count_diffs(what: str, got: Counter[str], want: dict[str, int], shown: int = 10) -> list[str]:
    """``player: got X, want Y`` for the first players whose counts differ."""
    players = sorted(set(got) | set(want))
    wrong = [p for p in players if got.get(p, 0) != want.get(p, 0)]
    head = [f"{what}: {len(wrong)} players differ (got {sum(got.values())} in all, "
            f"want {sum(want.values())})"] if wrong else []  # fmt: skip
    return head + [f"  {p}: got {got.get(p, 0)}, want {want.get(p, 0)}" for p in wrong[:shown]]
