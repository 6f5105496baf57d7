"""Sort keys against a plain comparison of typed values (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cmp_to_key
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from export_svc.domain.ordering import line_of, sort_strings

IDS = st.one_of(st.integers(0, 10**6).map(str), st.text("abcXYZé0~|", min_size=1, max_size=4),
                st.sampled_from(["007", "7", "0", "00", "0007"]))  # fmt: skip
BASE = datetime(2024, 1, 1, tzinfo=UTC)
VALUES = {
    "number": st.one_of(st.just(""), st.floats(-1e6, 1e6, allow_nan=False).map(repr),
                        st.integers(-5, 5).map(str), st.just("junk")),
    "text": st.one_of(st.just(""), st.text("aAbé😀 \x01\xff", max_size=4)),
    "datetime": st.one_of(st.just(""), st.integers(0, 10**6).map(
        lambda s: (BASE + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))),
    "boolean": st.sampled_from(["", "true", "false"]),
}  # fmt: skip


def _typed(kind: str, raw: str) -> Any:
    if raw == "":
        return None
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            return None
    if kind == "datetime":
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if kind == "boolean":
        return raw == "true"
    return raw


def _id_cmp(a: str, b: str) -> int:
    """Numeric ids by value (equal values: no leading zero first, then text), then others."""

    def key(p: str) -> tuple[int, int, int, str]:
        if p.isdecimal():
            return (0, int(p), 0 if p == (p.lstrip("0") or "0") else 1, p)
        return (1, 0, 0, p)

    return (key(a) > key(b)) - (key(a) < key(b))


def _expected(kind: str, desc: bool, rows: list[tuple[str, str]]) -> list[str]:
    def cmp(x: tuple[str, str], y: tuple[str, str]) -> int:
        vx, vy = _typed(kind, x[1]), _typed(kind, y[1])
        if vx is None or vy is None:
            return _id_cmp(x[0], y[0]) if vx is None and vy is None else (1 if vx is None else -1)
        if vx != vy:
            return (1 if vx < vy else -1) if desc else (-1 if vx < vy else 1)
        return _id_cmp(x[0], y[0])

    return [pid for pid, _ in sorted(rows, key=cmp_to_key(cmp))]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(VALUES)), st.booleans(), st.data())
def test_keys_sort_like_the_documented_order(kind: str, desc: bool, data: st.DataObject) -> None:
    ids = data.draw(st.lists(IDS, unique=True, max_size=40))
    values = [data.draw(VALUES[kind]) for _ in ids]
    items = sort_strings("f", kind, desc, ids, values, ids)  # type: ignore[arg-type]
    got = [line_of(item) for item in sorted(items)]
    assert got == _expected(kind, desc, list(zip(ids, values, strict=True)))


@given(st.lists(IDS, unique=True, max_size=40), st.booleans())
def test_player_id_order(ids: list[str], desc: bool) -> None:
    items = sort_strings("player_id", "text", desc, ids, ids, ids)
    got = [line_of(item) for item in sorted(items)]
    want = sorted(ids, key=cmp_to_key(_id_cmp), reverse=desc)
    assert got == want
