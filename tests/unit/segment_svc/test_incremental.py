"""A batch of card changes: dead letters, one step per card event, only real moves applied.

The Redis port is an in-memory fake here; the Lua script itself is covered by the
integration tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from segment_svc.domain.catalogue import Catalogue, SegmentSpec
from segment_svc.domain.changes import PlayerChanges, PlayerState
from segment_svc.service_layer.incremental import Record, process_batch
from segshared.partitioning import partition_for
from segshared.rules import parse_segment_definition

P = 4


class FakeMemberships:
    def __init__(self) -> None:
        self.segments: dict[str, set[int]] = {}
        self.seen: dict[str, set[bytes]] = {}
        self.applied: list[PlayerChanges] = []

    async def states(
        self, players: Sequence[tuple[int, str, Sequence[bytes]]]
    ) -> list[PlayerState]:
        return [
            PlayerState(frozenset(self.segments.get(p, set())),
                        frozenset(self.seen.get(p, set())) & frozenset(marks))
            for _, p, marks in players
        ]  # fmt: skip

    async def apply(self, batch: Sequence[PlayerChanges]) -> int:
        for item in batch:
            self.applied.append(item)
            self.seen.setdefault(item.player_id, set()).update(item.applied)
            segs = self.segments.setdefault(item.player_id, set())
            for change in item.changes:
                (segs.add if change.enter else segs.discard)(change.segment_id)
        return sum(len(item.changes) for item in batch)


class FakeDeadLetters:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)


def _record(player: str, card: int, change: str, cards: list[int], n: int) -> Record:
    doc = {"event_id": f"card:{card}:{change}:e{n}", "version": 1,
           "occurred_at": "2021-01-01T00:00:00Z", "type": "card_membership_changed",
           "player_id": player, "card_id": card, "change": change, "cards": cards,
           "cause": "event", "cause_event_id": f"e{n}"}  # fmt: skip
    return Record(partition_for(player, P), n, player.encode(), orjson.dumps(doc))


CATALOGUE = Catalogue(
    [
        SegmentSpec.of(1, 1, parse_segment_definition({"include": {"card": 1}})),
        SegmentSpec.of(
            2, 1, parse_segment_definition({"include": {"segment": 1}, "exclude": {"card": 2}})
        ),
    ]
)


def _oracle(events: list[tuple[str, int, str, list[int], int]]) -> set[str]:
    """The segment event ids of each card event in order: segment 1 = card 1, segment 2 =
    segment 1 and not card 2, decided from scratch after every event."""
    members: dict[str, set[int]] = {}
    out: set[str] = set()
    for player, card, change, cards, n in events:
        now = {1} if 1 in cards else set()
        if 1 in now and 2 not in cards:
            now.add(2)
        before = members.get(player, set())
        for sid in sorted(now ^ before):
            moved = "entered" if sid in now else "exited"
            out.add(f"seg:{sid}:{moved}:card:{card}:{change}:e{n}")
        members[player] = now
    return out


async def test_each_card_event_moves_the_player_and_dead_letters_the_rest() -> None:
    memberships, dead = FakeMemberships(), FakeDeadLetters()
    good = [("a", 1, "entered", [1], 1), ("b", 1, "entered", [1], 3),
            ("b", 2, "entered", [1, 2], 4), ("c", 1, "entered", [1], 5),
            ("c", 1, "exited", [], 6)]  # fmt: skip
    records = [_record(*good[0]), Record(0, 2, b"x", b"not json")]
    records += [_record(*g) for g in good[1:]]
    outcome = await process_batch(records=records, catalogue=CATALOGUE, memberships=memberships,
                                  dead_letters=dead, partitions=P)  # fmt: skip
    assert (outcome.records, outcome.dead_letters, outcome.players) == (6, 1, 3)
    assert dead.sent[0]["reason"] == "malformed_json"
    assert memberships.segments == {"a": {1, 2}, "b": {1}, "c": set()}
    events = {
        orjson.loads(c.event)["event_id"] for item in memberships.applied for c in item.changes
    }
    assert len(memberships.applied) == 3
    # c enters and leaves within the batch: both moves are events, as one batch apart
    assert events == _oracle(good)
    assert "seg:1:exited:card:1:exited:e6" in events


async def test_redelivery_moves_nothing_even_in_other_batches() -> None:
    memberships, dead = FakeMemberships(), FakeDeadLetters()
    records = [_record("a", 1, "entered", [1], 1), _record("a", 1, "exited", [], 2)]
    first = await process_batch(
        records=records[:1],
        catalogue=CATALOGUE,
        memberships=memberships,
        dead_letters=dead,
        partitions=P,
    )
    second = await process_batch(
        records=records[1:],
        catalogue=CATALOGUE,
        memberships=memberships,
        dead_letters=dead,
        partitions=P,
    )
    assert (first.events, second.events) == (2, 2) and memberships.segments["a"] == set()
    # the first event again, alone or with the second, must not move the player back
    for replay in (records[:1], records):
        again = await process_batch(
            records=replay,
            catalogue=CATALOGUE,
            memberships=memberships,
            dead_letters=dead,
            partitions=P,
        )
        assert again.events == 0
    assert memberships.segments["a"] == set() and len(memberships.applied) == 2


async def test_a_record_in_the_wrong_partition_is_dead_lettered() -> None:
    memberships, dead = FakeMemberships(), FakeDeadLetters()
    good = _record("a", 1, "entered", [1], 1)
    wrong = Record((good.partition + 1) % P, 1, good.key, good.value)
    outcome = await process_batch(records=[wrong], catalogue=CATALOGUE, memberships=memberships,
                                  dead_letters=dead, partitions=P)  # fmt: skip
    assert outcome.dead_letters == 1 and dead.sent[0]["reason"] == "wrong_partition"
    assert memberships.segments == {}
