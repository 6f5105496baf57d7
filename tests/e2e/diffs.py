"""Readable differences between what the services hold and what the oracle computed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from datetime import datetime
from typing import Any

SHOWN = 10  # first differing members printed per side


def player_order(player_id: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order, then the others: diagnostics list the smallest first."""
    return (0, int(player_id), "") if player_id.isdigit() else (1, 0, player_id)


def first(ids: Iterable[str], n: int = SHOWN) -> list[str]:
    return sorted(ids, key=player_order)[:n]


def set_diff(what: str, got: Set[str], want: Set[str]) -> str | None:
    """None when equal, else one line naming the sizes and the first extra and missing ids."""
    if got == want:
        return None
    extra, missing = got - want, want - got
    return (
        f"{what}: service has {len(got)}, oracle {len(want)}; "
        f"{len(extra)} extra (first {first(extra)}), "
        f"{len(missing)} missing (first {first(missing)})"
    )


def all_diffs(
    kind: str, got: Mapping[str, Set[str]], want: Mapping[str, Set[str]], *, source: str
) -> list[str]:
    """One line per name whose members differ (a name absent on one side counts as empty)."""
    lines = []
    for name in sorted(set(got) | set(want)):
        line = set_diff(f"{kind} {name!r} ({source})", got.get(name, set()), want.get(name, set()))
        if line:
            lines.append(line)
    return lines


def same_value(got: Any, want: Any) -> bool:
    """Exact equality: the services fold in the oracle's order, so floats agree bit for bit."""
    if isinstance(want, datetime):
        return isinstance(got, datetime) and got == want
    if isinstance(want, bool) or want is None:
        return got is want
    if isinstance(want, int | float):
        return isinstance(got, int | float) and not isinstance(got, bool) and got == want
    return bool(got == want)


def row_diffs(
    rows: Mapping[str, Mapping[str, Any]], expected: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """``player field: got X, want Y`` for each differing figure (players sorted)."""
    lines = []
    for player in first(set(rows) | set(expected), n=len(rows) + len(expected)):
        got, want = rows.get(player), expected.get(player)
        if got is None or want is None:
            lines.append(f"{player}: {'missing from the page' if got is None else 'unexpected'}")
            continue
        for field, value in want.items():
            if not same_value(got.get(field), value):
                lines.append(f"{player} {field}: service {got.get(field)!r}, oracle {value!r}")
    return lines


def report(title: str, lines: list[str], *, limit: int = 40) -> str:
    """A failure message: the title, then at most ``limit`` lines."""
    shown = lines[:limit]
    more = [f"... and {len(lines) - limit} more"] if len(lines) > limit else []
    return "\n".join([title, *("  " + line for line in shown), *more])


def apply_changes(
    before: Mapping[int, Set[str]], records: Iterable[Mapping[str, Any]], *, id_field: str
) -> dict[int, set[str]]:
    """Members after applying entered/exited records (in partition order) to ``before``."""
    after = {key: set(members) for key, members in before.items()}
    for record in records:
        members = after.setdefault(int(record[id_field]), set())
        if record["change"] == "entered":
            members.add(str(record["player_id"]))
        else:
            members.discard(str(record["player_id"]))
    return after
