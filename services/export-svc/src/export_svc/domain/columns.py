"""Which columns an export writes, which of them are masked, and what it is sorted by.

Columns come from the shared field registry (`segshared.fields`), so Column Settings, the
table views and exports offer the same fields; anonymized fields follow `segshared.masking`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from segshared.fields import FieldType, field_spec
from segshared.masking import check_sort_visible, is_masked
from segshared.members import PLAYER_ID
from segshared.rules import RuleError

MAX_COLUMNS = 100


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    label: str
    type: FieldType
    masked: bool


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """The resolved columns and order of one export.

    ``fetched`` are the profile fields read per member, after the member id itself: the
    unmasked columns except ``player_id`` (that is the member), plus the sort field.
    """

    columns: tuple[Column, ...]
    sort: str | None
    descending: bool
    fetched: tuple[str, ...]

    @property
    def sorted(self) -> bool:
        return self.sort is not None

    @property
    def sort_type(self) -> FieldType | None:
        if self.sort is None:
            return None
        spec = field_spec(self.sort)
        return spec.type if spec else None

    def position(self, name: str) -> int:
        """Index of ``name`` in a fetched row: 0 is the member id, then ``fetched``."""
        return 0 if name == PLAYER_ID else 1 + self.fetched.index(name)


def resolve_plan(
    columns: Sequence[str] | None,
    *,
    sort: str | None,
    descending: bool,
    can_see_anonymized: bool,
) -> ExportPlan:
    """The plan of a request, or RuleError naming the offending column or sort field."""
    names = [c.strip() for c in (columns or [PLAYER_ID]) if c.strip()] or [PLAYER_ID]
    if len(names) > MAX_COLUMNS:
        raise RuleError("columns", f"at most {MAX_COLUMNS} columns, got {len(names)}")
    resolved: list[Column] = []
    for i, name in enumerate(dict.fromkeys(names)):
        spec = field_spec(name)
        if spec is None:
            raise RuleError(f"columns[{i}]", f"unknown field {name!r}; see GET /fields")
        masked = is_masked(name, reveal_anonymized=can_see_anonymized)
        resolved.append(Column(name, spec.label, spec.type, masked))
    fetched = [c.name for c in resolved if not c.masked and c.name != PLAYER_ID]
    if sort is not None:
        spec = field_spec(sort)
        if spec is None:
            raise RuleError("sort", f"unknown field {sort!r}; see GET /fields")
        check_sort_visible(sort, reveal_anonymized=can_see_anonymized)
        if sort != PLAYER_ID and sort not in fetched:
            fetched.append(sort)
    return ExportPlan(tuple(resolved), sort, descending, tuple(fetched))
