"""Anonymized fields in tables and exports: which are masked, and what a masked cell reads.

A field marked ``anonymized`` in the registry is masked unless the caller may see it. A masked
field is never read from Redis, every cell reads ``MASK`` (a blank cell would tell who has a
value) and sorting by it is refused, since the order alone would leak it. Table views
(card-svc, segment-svc) and exports (export-svc) apply this one rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from segshared.fields import field_spec
from segshared.rules import RuleError

MASK = "***"


def is_masked(name: str, *, reveal_anonymized: bool) -> bool:
    """Whether the field ``name`` is shown as ``MASK`` to this caller."""
    spec = field_spec(name)
    return spec is not None and spec.anonymized and not reveal_anonymized


def masked_columns(columns: Iterable[str], *, reveal_anonymized: bool) -> frozenset[str]:
    """The columns of ``columns`` that this caller sees masked."""
    return frozenset(c for c in columns if is_masked(c, reveal_anonymized=reveal_anonymized))


def check_sort_visible(sort: str | None, *, reveal_anonymized: bool) -> None:
    """RuleError at ``sort`` when the caller may not sort by that (masked) field."""
    if sort is not None and is_masked(sort, reveal_anonymized=reveal_anonymized):
        raise RuleError("sort", f"{sort!r} is anonymized: sorting by it would reveal it")
