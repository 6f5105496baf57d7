"""The immutable model of a card rule (see docs/rule-language.md)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal, TypeAlias

from segshared.fields import parse_datetime

Op = Literal[
    "eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "not_in",
    "exists", "not_exists", "empty", "not_empty",
]  # fmt: skip
Fn = Literal["count", "sum", "min", "max", "first", "last"]
TimeUnit = Literal["minutes", "hours", "days"]
GroupKind = Literal["all", "any"]

OPS: tuple[Op, ...] = (
    "eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "not_in",
    "exists", "not_exists", "empty", "not_empty",
)  # fmt: skip
ORDER_OPS: frozenset[str] = frozenset({"lt", "lte", "gt", "gte"})
LIST_OPS: frozenset[str] = frozenset({"in", "not_in"})
PRESENCE_OPS: frozenset[str] = frozenset({"exists", "not_exists", "empty", "not_empty"})
FNS: tuple[Fn, ...] = ("count", "sum", "min", "max", "first", "last")
UNITS: dict[str, timedelta] = {
    "minutes": timedelta(minutes=1),
    "hours": timedelta(hours=1),
    "days": timedelta(days=1),
}


@dataclass(frozen=True, slots=True)
class RelativeTime:
    """`{"ago": N, "unit": u}`: the stream clock minus N units."""

    ago: int
    unit: TimeUnit

    @property
    def delta(self) -> timedelta:
        """N units as a duration."""
        return self.ago * UNITS[self.unit]

    def resolve(self, clock: datetime) -> datetime:
        """The instant this stands for at `clock`."""
        return clock - self.delta


Scalar: TypeAlias = str | int | float | bool
Operand: TypeAlias = Scalar | RelativeTime
#: None means "no value" (presence operators); a tuple is the list of between/in/not_in.
Value: TypeAlias = Operand | tuple[Operand, ...] | None


@dataclass(frozen=True, slots=True)
class Metric:
    """An aggregate of one event kind; `window` None covers all time."""

    fn: Fn
    event: str
    property: str | None = None  # None for count; first/last default to "occurred_at"
    window: timedelta | None = None


@dataclass(frozen=True, slots=True)
class FieldCondition:
    """A comparison of one profile field."""

    field: str
    op: Op
    value: Value = None


@dataclass(frozen=True, slots=True)
class MetricCondition:
    """A comparison of one metric."""

    metric: Metric
    op: Op
    value: Value = None


@dataclass(frozen=True, slots=True)
class Group:
    """`all` (AND) or `any` (OR) of rules."""

    kind: GroupKind
    rules: tuple[CardRule, ...]


Condition: TypeAlias = FieldCondition | MetricCondition
CardRule: TypeAlias = Group | FieldCondition | MetricCondition


def iter_conditions(rule: CardRule, path: str = "rule") -> Iterator[tuple[str, Condition]]:
    """Every condition of `rule` with its path, in document order."""
    stack: list[tuple[str, CardRule]] = [(path, rule)]
    while stack:
        here, node = stack.pop()
        if isinstance(node, Group):
            children = [(f"{here}.{node.kind}[{i}]", r) for i, r in enumerate(node.rules)]
            stack.extend(reversed(children))
        else:
            yield here, node


def operands(value: Value) -> tuple[Operand, ...]:
    """The operands of a condition's value (none, one, or the list's items)."""
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@lru_cache(maxsize=4096)
def parse_instant(text: str) -> datetime | None:
    """An ISO 8601 string as an aware UTC datetime, or None (cached: rule constants repeat)."""
    try:
        return parse_datetime(text)
    except ValueError:
        return None
