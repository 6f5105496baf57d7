"""Players of the action-svc send bench: a segment's shard sets and the members' profiles,
written as segment-svc and card-svc keep them, and what each member's email must say."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis

from segshared.fields import encode_field_value, field_spec
from segshared.keys import Keys
from segshared.partitioning import partition_for

COUNTRIES = ("MT", "DE", "FI", "SE", "NO", "CA", "NZ", "IE", "GB", "BR")
LANGUAGES = ("en", "de", "fi", "sv", "no", "en", "en", "en", "en", "pt")
SUBJECT = "{{ username | Hi there }}, 50 free spins are waiting"
BODY = (
    "Hello {{ username }},\n\nAs one of our valued players in {{ country }} you get 50 free "
    "spins on Book of Dead this weekend. They are already in your account.\n\n"
    "Good luck!\nThe Casino team\n\nPlayer {{ player_id }}: "
    "https://casino.example/preferences?player={{ player_id }}"
)
_REGISTERED = datetime(2024, 1, 1, tzinfo=UTC)
_WRITE_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class Member:
    player_id: str
    username: str
    country: str

    def profile(self, i: int) -> dict[str, str]:
        """The profile hash, each value through the field registry's codec."""
        values: dict[str, Any] = {
            "email_opt_in": True,
            "sms_opt_in": i % 3 != 0,
            "country": self.country,
            "language": LANGUAGES[i % len(LANGUAGES)],
            "currency": "EUR",
            "username": self.username,
            "email": f"{self.username}@mail.example",
            "registered_at": _REGISTERED + timedelta(minutes=7 * i),
            "deposits_count": i % 17,
        }
        out = {}
        for name, value in values.items():
            spec = field_spec(name)
            out[name] = encode_field_value(spec, value) if spec is not None else str(value)
        return out

    def subject(self) -> str:
        return f"{self.username}, 50 free spins are waiting"

    def body(self) -> str:
        return (
            BODY.replace("{{ username }}", self.username)
            .replace("{{ country }}", self.country)
            .replace("{{ player_id }}", self.player_id)
        )


def members(count: int) -> list[Member]:
    """``count`` players with realistic-looking ids and profile values."""
    return [
        Member(str(3_000_000 + i * 7), f"lucky_{i:06d}", COUNTRIES[i % len(COUNTRIES)])
        for i in range(count)
    ]


def _batches(items: list[Member]) -> Iterator[tuple[int, list[Member]]]:
    for start in range(0, len(items), _WRITE_BATCH):
        yield start, items[start : start + _WRITE_BATCH]


def seed_segment(
    redis: Redis, keys: Keys, *, segment_id: int, partitions: int, players: list[Member]
) -> None:
    """Write the segment's shard sets and every member's profile hash."""
    for p in range(partitions):
        redis.delete(keys.segment(p, segment_id))
    for start, batch in _batches(players):
        pipe = redis.pipeline(transaction=False)
        for offset, member in enumerate(batch):
            p = partition_for(member.player_id, partitions)
            pipe.sadd(keys.segment(p, segment_id), member.player_id)
            profile: dict[Any, Any] = member.profile(start + offset)
            pipe.hset(keys.player_profile(p, member.player_id), mapping=profile)
        pipe.execute()
