"""action-svc's Redis keys, beside the platform's scheme (``segshared.keys``).

Every key a dispatch touches carries the player's shard as its hash tag ``{p}``, like the
player's profile and the segment shard sets, so one script call per shard checks, guards,
logs and enqueues a batch atomically, and Redis Cluster can spread the shards.
"""

from __future__ import annotations

from dataclasses import dataclass

from action_svc.settings import SERVICE
from segshared.keys import Keys


@dataclass(frozen=True, slots=True)
class ActionKeys:
    keys: Keys

    def _k(self, name: str) -> str:
        return f"{self.keys.prefix}act:{name}"

    def seen(self, p: int, action_id: int) -> str:
        """Sorted set: idempotency keys already handled (score: epoch ms), the dedupe."""
        return self._k(f"seen:{{{p}}}:{action_id}")

    def cap_prefix(self, p: int) -> str:
        """Prefix of the frequency-cap sorted sets (``<scope>:<player>`` completes it)."""
        return self._k(f"cap:{{{p}}}:")

    def log(self, p: int, action_id: int) -> str:
        """Stream: every dispatch and skip of an action in shard ``p``."""
        return self._k(f"log:{{{p}}}:{action_id}")

    def stats(self, p: int, action_id: int) -> str:
        """Hash outcome -> count of an action in shard ``p``."""
        return self._k(f"stats:{{{p}}}:{action_id}")

    def delayed(self, p: int) -> str:
        """Sorted set of delayed triggers (score: due epoch ms)."""
        return self._k(f"delayed:{{{p}}}")

    def missed(self, p: int, action_id: int) -> str:
        """List of triggers that arrived while the action was paused."""
        return self._k(f"missed:{{{p}}}:{action_id}")

    def snapshot(self, p: int, run_id: int) -> str:
        """A send's copy of the target's shard set, taken when the send started."""
        return self._k(f"snap:{{{p}}}:{run_id}")

    def run_progress(self, p: int, run_id: int) -> str:
        """Hash of a send's progress in shard ``p``: snapshot taken, cursor, sent, total, done."""
        return self._k(f"run:{{{p}}}:{run_id}")

    def replay_missed(self, action_id: int) -> str:
        """ "1" if the last resume asked to send what was missed while paused, else "0"."""
        return self._k(f"replay:{action_id}")

    def wake_channel(self) -> str:
        """Pub/sub channel the API announces changes on, so workers tick at once."""
        return self._k("wake")

    def catalogue_seen(self) -> str:
        """Hash action id -> revision the workers have loaded (tests and ops wait on it)."""
        return self._k("catalogue")

    def webhook_attempts(self, p: int) -> str:
        """Hash idempotency key -> webhook attempts started."""
        return self._k(f"wh:attempts:{{{p}}}")

    def webhook_done(self, p: int) -> str:
        """Sorted set of idempotency keys whose webhook finished (delivered or dead)."""
        return self._k(f"wh:done:{{{p}}}")

    def webhook_retry(self, p: int) -> str:
        """Sorted set idempotency key -> when to try again (epoch ms)."""
        return self._k(f"wh:retry:{{{p}}}")

    def webhook_pending(self, p: int) -> str:
        """Hash idempotency key -> the command awaiting a retry."""
        return self._k(f"wh:cmd:{{{p}}}")

    def outbox(self, p: int) -> str:
        """The service's transactional outbox in shard ``p``."""
        return self.keys.outbox(p, SERVICE)

    def action_patterns(self, action_id: int) -> list[str]:
        """SCAN patterns of every key of an action (to delete it)."""
        return [self._k(f"{kind}:{{*}}:{action_id}") for kind in ("seen", "log", "stats", "missed")]
