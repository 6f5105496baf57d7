"""Sort keys of exported rows, computed a column at a time from the raw profile strings.

The order is the table view's (`segshared.members`): rows with no value last in both
directions, ties broken by player id ascending. Numbers and integers compare as numbers,
datetimes chronologically, booleans false < true, text by Unicode code point (case-sensitive).
An empty or unreadable value counts as no value. Player ids: numeric ids by value, before
other ids; among equal numbers ``7`` before ``007``; other ids by code point.

Each row becomes one string ``KEY \\0 TIE \\0 LINE`` whose plain string order is the row order,
so runs sort, marshal and merge as flat lists of str (CPython compares them in C; tuples of
keys cost 2-3x more per row on a million rows). ``KEY`` is ``\\x01`` + an order-preserving text
of the value, or ``\\x02`` for no value (last either way):
- numbers: the IEEE 754 bits made sortable (sign flipped; all bits for negatives) in 16 hex
  digits, of the value negated when descending;
- text and datetimes (canonical fixed-width UTC text) ascending: the text; descending: its
  UTF-8 bytes inverted (255 - b) and ended by 0xFF, read as Latin-1, which reverses the order,
  prefixes included;
- booleans: ``0``/``1`` (swapped when descending).
``TIE``: decimal ids as their length in 5 digits + digits (numeric order; an id with leading
zeros adds ``|`` + itself), other ids ``~`` + id. A NUL inside a value or id is read as \\x01 for
ordering only, so the separators stay unambiguous.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from operator import add

from segshared.fields import FieldType, parse_datetime
from segshared.members import PLAYER_ID

_INVERT = bytes(range(255, -1, -1))
_CANONICAL_LEN = len("2024-01-31T00:00:00.000000Z")
_LENGTHS = tuple(f"{n:05d}" for n in range(100_000))
_LEADING_ZERO = re.compile(r"\n0\d").search
_SIGN = 1 << 63
_ALL = (1 << 64) - 1
PRESENT, MISSING, SEP = "\x01", "\x02", "\x00"


def inverted(text: str) -> str:
    """A string whose ascending order is the descending code-point order of ``text``."""
    return (text.encode("utf-8", "surrogatepass").translate(_INVERT) + b"\xff").decode("latin-1")


def tie_key(player_id: str) -> str:
    if player_id.isdecimal() and player_id.isascii() and len(player_id) < 100_000:
        digits = player_id.lstrip("0") or "0"
        extra = "" if digits == player_id else "|" + player_id
        return _LENGTHS[len(digits)] + digits + extra
    return "~" + player_id


def tie_keys(ids: Sequence[str]) -> list[str]:
    """`tie_key` of each id; a chunk of plain decimal ids is done without a Python call a row."""
    joined = "".join(ids)
    if (joined.isdecimal() and joined.isascii() and max(map(len, ids), default=0) < 100_000
            and not _LEADING_ZERO("\n" + "\n".join(ids))):  # fmt: skip
        return list(map(add, map(_LENGTHS.__getitem__, map(len, ids)), ids))
    return [tie_key(p) for p in ids]


def _sortable_hex(bits: int) -> str:
    return "%016x" % (bits ^ _ALL if bits & _SIGN else bits | _SIGN)


def _numbers(values: Sequence[str], descending: bool) -> list[str]:
    floats: list[float | None] = []
    for v in values:  # a value that is not a finite number counts as none
        try:
            f = float(v) if v else None
        except ValueError:
            f = None
        floats.append(f if f is not None and f - f == 0 else None)
    present = [(-f if descending else f) + 0.0 for f in floats if f is not None]
    bits = iter(struct.unpack(f">{len(present)}Q", struct.pack(f">{len(present)}d", *present)))
    return [MISSING if f is None else PRESENT + _sortable_hex(next(bits)) for f in floats]


def _canonical(raw: str) -> str:
    """A stored datetime as canonical UTC text ("" when unreadable)."""
    if len(raw) == _CANONICAL_LEN and raw[-1] == "Z":
        return raw
    try:
        return parse_datetime(raw).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return ""


def _texts(values: Sequence[str], descending: bool) -> list[str]:
    if descending:
        return [PRESENT + inverted(v) if v else MISSING for v in values]
    return [PRESENT + v if v else MISSING for v in values]


def primary_keys(kind: FieldType, descending: bool, values: Sequence[str]) -> list[str]:
    """The leading key of each row for a sort field of type ``kind``."""
    if SEP in "".join(values):
        values = [v.replace(SEP, "\x01") for v in values]
    if kind in ("number", "integer"):
        return _numbers(values, descending)
    if kind == "boolean":
        yes, no = ("0", "1") if descending else ("1", "0")
        codes = {"true": yes, "1": yes, "false": no, "0": no}
        return [PRESENT + codes[v.lower()] if v.lower() in codes else MISSING for v in values]
    if kind == "datetime":
        values = [_canonical(v) if v else "" for v in values]
    return _texts(values, descending)


def sort_strings(
    sort: str, kind: FieldType, descending: bool, ids: Sequence[str], values: Sequence[str],
    lines: Sequence[str],
) -> list[str]:  # fmt: skip
    """``KEY \\0 TIE \\0 LINE`` of each row: their string order is the export's row order."""
    safe_ids = [p.replace(SEP, "\x01") for p in ids] if SEP in "".join(ids) else ids
    ties = tie_keys(safe_ids)
    if sort == PLAYER_ID:
        keys = [PRESENT + inverted(t) for t in ties] if descending else ties
    else:
        keys = primary_keys(kind, descending, values)
    with_tie = map(add, map(add, keys, [SEP] * len(ties)), ties)
    return list(map(add, map(add, with_tie, [SEP] * len(ties)), lines))


def line_of(item: str) -> str:
    """The CSV line of a sort string."""
    return item.split(SEP, 2)[2]
