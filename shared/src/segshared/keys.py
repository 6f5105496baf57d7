"""The Redis key scheme.

Every per-player key carries its Kafka partition as a hash tag (``{p}``), so that a worker
touches only its own shard, a Lua script may touch several keys of one player atomically, and
set algebra over one shard stays inside one Redis Cluster slot (DESIGN decision 2). A card or
segment is the union of its ``P`` shard sets.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Keys:
    """Key builder; ``prefix`` lets several deployments (or test runs) share one Redis."""

    prefix: str = ""

    def _k(self, name: str) -> str:
        return f"{self.prefix}{name}"

    # every service: API keys (segshared.auth)
    def api_key(self, key_id: str) -> str:
        """Hash of one API key: name, scopes, secret hash, lifetime."""
        return self._k(f"apikey:{key_id}")

    def api_keys(self) -> str:
        """Set of every API key id."""
        return self._k("apikeys")

    # card-svc: player state and profile
    def player_state(self, p: int, player_id: str) -> str:
        """card-svc's private per-player aggregates (JSON)."""
        return self._k(f"pstate:{{{p}}}:{player_id}")

    def player_profile(self, p: int, player_id: str) -> str:
        """Hash of the player's profile fields, read by tables and exports."""
        return self._k(f"player:{{{p}}}:{player_id}")

    def player_profile_pattern(self, p: int) -> str:
        """``SORT ... BY`` pattern for profile fields of shard ``p`` (append ``->field``)."""
        return self._k(f"player:{{{p}}}:*")

    def known_players(self, p: int) -> str:
        """Set of every player id seen in shard ``p``."""
        return self._k(f"players:{{{p}}}")

    def due(self, p: int) -> str:
        """Sorted set: player -> stream time (epoch ms) at which a time-window card may flip."""
        return self._k(f"due:{{{p}}}")

    def card(self, p: int, card_id: int) -> str:
        """Members of card ``card_id`` in shard ``p``."""
        return self._k(f"card:{{{p}}}:{card_id}")

    def card_revisions(self, p: int) -> str:
        """Hash card id -> definition revision that shard ``p`` has been backfilled to."""
        return self._k(f"cardrev:{{{p}}}")

    # segment-svc
    def segment(self, p: int, segment_id: int) -> str:
        """Members of segment ``segment_id`` in shard ``p``."""
        return self._k(f"seg:{{{p}}}:{segment_id}")

    def segment_build(self, p: int, segment_id: int, token: str) -> str:
        """Scratch key a segment is built into before it is swapped in."""
        return self._k(f"segbuild:{{{p}}}:{segment_id}:{token}")

    def player_segments(self, p: int, player_id: str) -> str:
        """Set of the segment ids player ``player_id`` is a member of."""
        return self._k(f"psegs:{{{p}}}:{player_id}")

    def segment_revisions(self, p: int) -> str:
        """Hash segment id -> definition revision that shard ``p`` has been built to."""
        return self._k(f"segrev:{{{p}}}")

    def scratch(self, p: int, token: str) -> str:
        """Temporary key for set algebra in shard ``p`` (execute/preview, builds)."""
        return self._k(f"tmp:{{{p}}}:{token}")

    # transactional outbox (DESIGN decision 3)
    def outbox(self, p: int, service: str) -> str:
        """Stream of events written atomically with a membership change, awaiting the relay."""
        return self._k(f"outbox:{{{p}}}:{service}")

    # global, not per shard
    def stream_clock(self) -> str:
        """Event time of the stream: the newest ``occurred_at`` seen (epoch ms)."""
        return self._k("clock:stream")

    def size_history(self, kind: str, set_id: int) -> str:
        """Sorted set of a card's or segment's sizes over time (``segshared.history``)."""
        return self._k(f"hist:{kind}:{set_id}")

    def dead_letter_counts(self) -> str:
        """Hash ``<topic>|<reason>`` -> number of records sent to the dead-letter topic."""
        return self._k("stats:dlq")
