"""States this worker committed last, so the next batch of the same player skips parsing.

The worker owns its partitions, and the same players come back batch after batch; parsing
their whole state JSON again was the largest single cost of a batch. Redis stays the truth:
an entry is used only when the bytes just read from Redis are the very bytes written with it
(anything another writer did shows up as different bytes), and it is handed out once, since
the caller mutates it.
"""

from __future__ import annotations

import math
from collections import OrderedDict

from card_svc.domain.state import PlayerState

CAPACITY = 20_000
_PLAIN = (str, int, bool)


def round_trips(state: PlayerState) -> bool:
    """Whether ``PlayerState.from_json(state.to_json())`` equals ``state``.

    Attributes may hold datetimes (stored as text) and sums may overflow (stored as null);
    such states are not cached, so they are read back exactly as before. Event values come
    from JSON and are always finite.
    """
    for value in state.attrs.values():
        if type(value) is float:
            if not math.isfinite(value):
                return False
        elif type(value) not in _PLAIN:
            return False
    for agg in state.aggs.values():
        for values in agg.props.values():
            if not all(math.isfinite(v) for v in values):
                return False
    return True


class StateCache:
    """Bounded LRU of ``key -> (stored bytes, state)``."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[bytes, PlayerState]] = OrderedDict()

    def take(self, key: str, raw: bytes | str) -> PlayerState | None:
        """The cached state if ``raw`` is what was stored with it; the entry is removed."""
        entry = self._entries.pop(key, None)
        return entry[1] if entry is not None and entry[0] == raw else None

    def put(self, key: str, raw: bytes, state: PlayerState) -> None:
        if not round_trips(state):
            self._entries.pop(key, None)
            return
        self._entries[key] = (raw, state)
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
