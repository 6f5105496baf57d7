"""Triggered actions on the real bets replay: every entry and exit dispatched once, by key.

The segment "Frequent net losers" (Frequent players AND Net losers, both all-time cards) is
not monotone: players enter and exit, some several times, some on the ``bet_placed`` and
again on the ``bet_settled`` of one bet. Two actions watch it, created before the replay:
a Web API call on entry (to a local receiver) and an email on exit. The oracle
(``tests.oracle.timeline``) predicts each player's entries and exits from the file alone,
judging membership after every event.

What is checked, in three layers so that a failure names its service:
- segment.membership against the oracle: each transition agrees with the oracle's
  membership after the player event it followed, and the players end as the oracle says;
  then, strictly, the transitions are all of the oracle's (nothing coalesced or lost);
- action-svc against segment.membership: one dispatch key per real entered (exited) event,
  exactly ``dispatch_key(action, "ev:" + event id, player)``, the receiver got each webhook
  key, and the actions' stats count them;
- the dispatches per player against the oracle's entry and exit counts (the issue's claim).

Two stacks, one per class, each torn down before the next starts: a clean replay, and a
replay during which the action worker is SIGKILLed and restarted at random moments (the
seed is printed; ``PLAYERSEG_E2E_SEED`` replays one). The same equalities must hold after
both; the clean one also shows that each key reached the receiver exactly once, as attempt 1.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from segshared.topics import CARD_MEMBERSHIP, SEGMENT_MEMBERSHIP
from tests.e2e.actions_pipeline import (
    EMAIL,
    WEBHOOK,
    ActionsStack,
    Change,
    actions_stack,
    count_diffs,
    dispatched,
    expected_keys,
    segment_changes,
)
from tests.e2e.diffs import report, set_diff
from tests.oracle.bets_oracle import load_bets
from tests.oracle.timeline import (
    Step,
    Timeline,
    entry_counts,
    exit_counts,
    membership_timeline,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]

KILLS = 3


@dataclass(frozen=True)
class Oracle:
    timelines: dict[str, Timeline]  # players who ever entered
    after: dict[tuple[int, str], bool]  # (bet id, step) -> member after that event

    @property
    def entries(self) -> dict[str, int]:
        return entry_counts(self.timelines)

    @property
    def exits(self) -> dict[str, int]:
        return exit_counts(self.timelines)


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    """Each player's entries and exits of the segment, from the bets file alone."""
    after: dict[tuple[int, Step], bool] = {}
    timelines = membership_timeline(load_bets(), after=after)
    return Oracle(timelines, {event: member for event, member in after.items()})


@dataclass
class Replayed:
    """The stack after the replay, and what its topics hold."""

    stack: ActionsStack
    changes: dict[str, list[Change]]  # segment transitions per player
    webhook: list[dict[str, object]]
    email: list[dict[str, object]]


def _replayed(work_dir: Path, oracle: Oracle, rng: random.Random | None) -> Iterator[Replayed]:
    with actions_stack(work_dir) as stack:
        stack.kill_pace = sum(1 for t in oracle.timelines.values() if t.member)
        try:
            stats = stack.replay(kill_with=rng, kills=KILLS)
        except Exception as exc:  # an idle timeout or a dead service: show what they said
            raise AssertionError(
                f"{exc}\nkills: {stack.kills}\n{stack.pipeline.log_excerpt()}"
            ) from exc
        assert stats.skipped == 0, f"the replay skipped rows: {stats.bad_rows[:5]}"
        changes = segment_changes(
            stack.topic(SEGMENT_MEMBERSHIP), stack.topic(CARD_MEMBERSHIP), stack.segment_id
        )
        yield Replayed(stack, changes, stack.topic(WEBHOOK), stack.topic(EMAIL))
        print(f"actions e2e timings (s): {stack.pipeline.timings}; kills: {stack.kills}")


# the checks -------------------------------------------------------------------------------
def check_transitions_agree_with_the_oracle(run: Replayed, oracle: Oracle) -> None:
    """Each transition follows a player event after which the oracle agrees, they alternate
    from "entered", and every player ends where the oracle's timeline does."""
    lines = []
    for player, changes in sorted(run.changes.items()):
        kinds = [c.change for c in changes]
        if kinds != ["entered", "exited"] * (len(kinds) // 2) + ["entered"] * (len(kinds) % 2):
            lines.append(f"{player}: transitions do not alternate from entered: {kinds}")
        for c in changes:
            if c.cause_bet is None:
                lines.append(f"{player}: {c.event_id} has no player event as its cause")
            elif oracle.after.get(c.cause_bet) != (c.change == "entered"):
                lines.append(f"{player}: {c.change} after {c.cause_bet}, but the oracle says "
                             f"member={oracle.after.get(c.cause_bet)}")  # fmt: skip
    ends = {p for p, changes in run.changes.items() if changes[-1].change == "entered"}
    line = set_diff(
        "members at the end", ends, {p for p, t in oracle.timelines.items() if t.member}
    )
    lines += [line] if line else []
    assert not lines, report(
        f"{len(lines)} segment transitions disagree with the oracle:", lines[:15]
    )


def check_every_oracle_transition(run: Replayed, oracle: Oracle) -> None:
    """segment.membership holds every transition of the oracle's per-event timeline."""
    got = {p: [c.change for c in changes] for p, changes in run.changes.items()}
    lines = []
    for player in sorted(set(got) | set(oracle.timelines)):
        want = oracle.timelines[player].transitions if player in oracle.timelines else []
        if got.get(player, []) != [t.change for t in want]:
            shown = [(c.change, c.cause_bet) for c in run.changes.get(player, [])]
            lines.append(
                f"{player}: got {shown}, want {[(t.change, t.bet_id, t.step) for t in want]}"
            )
    missing = sum(len(t.transitions) for t in oracle.timelines.values()) - sum(
        map(len, got.values())
    )
    assert not lines, report(
        f"{len(lines)} players' segment transitions differ from the per-event oracle "
        f"({missing} transitions fewer in all):",
        lines[:10],
    )


def check_dispatches(run: Replayed, *, topic: str, action_id: int, change: str) -> set[str]:
    """One distinct key per real ``change`` event of the segment, and no other key."""
    records = run.webhook if topic == WEBHOOK else run.email
    got = dispatched(records, action_id, change)
    want = expected_keys(action_id, run.changes, change)
    lines = list(got.problems[:10])
    line = set_diff(f"{topic} keys vs the {change} events' keys", got.keys, want)
    lines += [line] if line else []
    assert not lines, report(f"action {action_id} on {topic}:", lines)
    assert want, f"no {change} event on {SEGMENT_MEMBERSHIP}: nothing was tested"
    return got.keys


def check_dispatch_counts_equal_the_oracle(run: Replayed, oracle: Oracle) -> None:
    """Per player, as many webhook keys as oracle entries and email keys as oracle exits."""
    stack = run.stack
    entries = dispatched(run.webhook, stack.entry_action, "entered")
    exits = dispatched(run.email, stack.exit_action, "exited")
    lines = count_diffs(f"{WEBHOOK} keys per player", entries.per_player, oracle.entries)
    lines += count_diffs(f"{EMAIL} keys per player", exits.per_player, oracle.exits)
    assert not lines, report("dispatches per player differ from the oracle:", lines)


def check_stats(run: Replayed, *, retried: bool = False) -> None:
    """The actions' stats count every dispatch: the webhook ones all delivered.

    ``retried``: webhook attempts that failed and were retried (``failed``) are allowed and
    printed: a worker killed during an attempt sends that command again as a retry.
    """
    stack = run.stack
    entered = len(expected_keys(stack.entry_action, run.changes, "entered"))
    exited = len(expected_keys(stack.exit_action, run.changes, "exited"))
    for action_id, want in ((stack.entry_action, {"dispatched": entered, "delivered": entered}),
                            (stack.exit_action, {"dispatched": exited})):  # fmt: skip
        got = stack.stats(action_id)
        if retried and "failed" in got:
            odd = stack.log(action_id, skip=("dispatched", "delivered"))
            print(f"action {action_id}: {got['failed']} attempts failed and were retried: "
                  f"{[(e['idempotency_key'], e['reason']) for e in odd[:10]]}")  # fmt: skip
            got = {k: n for k, n in got.items() if k != "failed"}
        if got != want:
            odd = stack.log(action_id, skip=("dispatched", "delivered"))
            shown = [f"{e['outcome']} {e['idempotency_key']}: {e['reason']}" for e in odd[:15]]
            pytest.fail(report(f"action {action_id}: stats {got}, want {want}; log:", shown))


def received(stack: ActionsStack) -> tuple[dict[str, Counter[int | None]], set[str]]:
    """Key -> attempts the receiver saw (1: a new delivery), and requests without a key."""
    attempts: dict[str, Counter[int | None]] = {}
    stray = set()
    for r in stack.receiver.requests:
        if r.key is None:
            stray.add(f"{r.method} {r.path}")
            continue
        attempts.setdefault(r.key, Counter())[r.attempt] += 1
    return attempts, stray


# a clean replay ------------------------------------------------------------------------------
class TestReplay:
    @pytest.fixture(scope="class")
    @classmethod
    def run(cls, tmp_path_factory: pytest.TempPathFactory, oracle: Oracle) -> Iterator[Replayed]:
        yield from _replayed(tmp_path_factory.mktemp("e2e-actions"), oracle, None)

    def test_segment_transitions_agree_with_the_oracle(self, run: Replayed, oracle: Oracle) -> None:
        check_transitions_agree_with_the_oracle(run, oracle)

    def test_segment_transitions_are_every_per_event_transition(
        self, run: Replayed, oracle: Oracle
    ) -> None:
        check_every_oracle_transition(run, oracle)

    def test_one_webhook_dispatch_per_entry(self, run: Replayed) -> None:
        check_dispatches(run, topic=WEBHOOK, action_id=run.stack.entry_action, change="entered")

    def test_one_email_dispatch_per_exit(self, run: Replayed) -> None:
        check_dispatches(run, topic=EMAIL, action_id=run.stack.exit_action, change="exited")

    def test_dispatches_per_player_equal_the_oracle(self, run: Replayed, oracle: Oracle) -> None:
        check_dispatch_counts_equal_the_oracle(run, oracle)

    def test_receiver_got_each_key_once_as_attempt_1(self, run: Replayed) -> None:
        stack = run.stack
        keys = check_dispatches(run, topic=WEBHOOK, action_id=stack.entry_action, change="entered")
        attempts, stray = received(stack)
        assert not stray, f"requests without an Idempotency-Key: {sorted(stray)[:5]}"
        line = set_diff("keys the receiver got", set(attempts), keys)
        assert line is None, line
        wrong = {k: dict(a) for k, a in attempts.items() if a != Counter({1: 1})}
        shown = [f"{k}: {a}" for k, a in sorted(wrong.items())[:10]]
        assert not wrong, report("keys not received exactly once, as attempt 1:", shown)
        assert {r.path for r in stack.receiver.requests} == {"/crm/entered"}

    def test_action_stats_count_every_dispatch(self, run: Replayed) -> None:
        check_stats(run)


# the action worker SIGKILLed during the replay -----------------------------------------------
class TestReplayWithWorkerKilled:
    @pytest.fixture(scope="class")
    @classmethod
    def seed(cls) -> int:
        seed = int(os.environ.get("PLAYERSEG_E2E_SEED") or random.SystemRandom().randrange(2**32))
        print(f"SIGKILL moments: seed {seed} (PLAYERSEG_E2E_SEED={seed} replays them)")
        return seed

    @pytest.fixture(scope="class")
    @classmethod
    def run(
        cls, tmp_path_factory: pytest.TempPathFactory, oracle: Oracle, seed: int
    ) -> Iterator[Replayed]:
        work_dir = tmp_path_factory.mktemp("e2e-actions-kill")
        yield from _replayed(work_dir, oracle, random.Random(seed))

    def test_the_worker_was_killed_while_it_had_work(self, run: Replayed, seed: int) -> None:
        stack = run.stack
        assert len(stack.kill_points) == KILLS, stack.kills
        webhooks = len(expected_keys(stack.entry_action, run.changes, "entered"))
        assert min(stack.kill_points) < webhooks, f"seed {seed}: {stack.kills} of {webhooks}"

    def test_segment_transitions_agree_with_the_oracle(self, run: Replayed, oracle: Oracle) -> None:
        check_transitions_agree_with_the_oracle(run, oracle)

    def test_no_dispatch_is_missing_or_doubled(self, run: Replayed, seed: int) -> None:
        stack = run.stack
        check_dispatches(run, topic=WEBHOOK, action_id=stack.entry_action, change="entered")
        check_dispatches(run, topic=EMAIL, action_id=stack.exit_action, change="exited")
        check_stats(run, retried=True)

    def test_dispatches_per_player_equal_the_oracle(self, run: Replayed, oracle: Oracle) -> None:
        check_dispatch_counts_equal_the_oracle(run, oracle)

    def test_no_key_reached_the_receiver_twice_as_a_new_delivery(
        self, run: Replayed, seed: int
    ) -> None:
        stack = run.stack
        keys = check_dispatches(run, topic=WEBHOOK, action_id=stack.entry_action, change="entered")
        attempts, stray = received(stack)
        assert not stray, f"requests without an Idempotency-Key: {sorted(stray)[:5]}"
        # Every key arrived (a kill may have eaten attempt 1 before it went out: then the key
        # arrives as attempt 2 only), and none arrived as a new delivery twice.
        line = set_diff(f"keys the receiver got (seed {seed})", set(attempts), keys)
        assert line is None, line
        unnumbered = {k: dict(a) for k, a in attempts.items() if a[None]}
        assert not unnumbered, f"requests without an attempt number: {unnumbered}"
        redelivered = {k: dict(a) for k, a in attempts.items() if set(a) != {1}}
        print(f"seed {seed}: {len(redelivered)} of {len(keys)} keys came again as attempt >= 2 "
              f"after a kill: {sorted(redelivered.items())[:10]}")  # fmt: skip
        doubled = {k: dict(a) for k, a in attempts.items() if a[1] > 1}
        shown = [f"{k}: {a}" for k, a in sorted(doubled.items())[:10]]
        assert not doubled, report(f"keys received as attempt 1 twice (seed {seed}):", shown)
