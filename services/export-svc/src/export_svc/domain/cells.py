"""CSV text of fetched rows: RFC 4180, formula neutralization, masking. Pure and column-wise.

Rows arrive as one flat list per chunk (member id, then the fetched fields, row after row)
straight from Redis. Work is done a column at a time with list comprehensions and joined with
``str.join``: per-cell Python calls are the cost of an export, so the common cell (no quote,
no formula) takes one test and no call.

Formula neutralization (OWASP "CSV injection"): a cell starting with ``= + - @``, a tab or a
carriage return is prefixed with a single quote so that a spreadsheet shows it as text. Cells
of number and integer fields that are plain numbers (``-12.5``, ``1e-05``) are left alone: a
spreadsheet evaluates ``-12.5`` as the number it is, and the export stays numeric.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import repeat

from export_svc.domain.columns import Column, ExportPlan
from segshared.masking import MASK

CRLF = "\r\n"
BOM = "\ufeff"
DANGER = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?").fullmatch
_NEEDS_QUOTES = re.compile(r'[,"\r\n]').search
NUMERIC = frozenset({"number", "integer"})


def text_cell(value: str) -> str:
    """One cell: neutralized when a spreadsheet would run it, quoted when RFC 4180 says so."""
    if value[:1] in DANGER:
        value = "'" + value
    if _NEEDS_QUOTES(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def number_cell(value: str) -> str:
    """A numeric field's cell: plain numbers as they are, anything else as text."""
    return value if _NUMBER(value) else text_cell(value)


# Whole-column checks: one C-level scan per column and chunk instead of one call per cell.
# They run on "\n" + the column joined with "\n" + "\n", which is unambiguous once the
# column holds no line break at all (the first check); the literal "\n" lets `re` skip ahead.
_DANGER_LINE = re.compile(r"\n[=+\-@\t]").search
# The danger character first: only lines that start with one pay for the number check.
_NOT_NUMBER_LINE = re.compile(
    r"\n(?=[=+\-@\t])(?![+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\n)"
).search


def _lines(values: Sequence[str]) -> str:
    return "\n" + "\n".join(values) + "\n"


def text_column(values: Sequence[str]) -> Sequence[str]:
    """A text column's cells; the column itself when no cell needs anything (the usual)."""
    if not _NEEDS_QUOTES("".join(values)) and not _DANGER_LINE(_lines(values)):
        return values
    return [text_cell(v) for v in values]


def number_column(values: Sequence[str]) -> Sequence[str]:
    """A numeric column's cells: negative numbers pass, anything that is not a number is text."""
    if not _NEEDS_QUOTES("".join(values)) and not _NOT_NUMBER_LINE(_lines(values)):
        return values
    return [number_cell(v) for v in values]


def header_line(columns: Sequence[Column]) -> str:
    return ",".join(text_cell(c.label) for c in columns) + CRLF


def output_columns(plan: ExportPlan, flat: list[str]) -> list[Sequence[str]]:
    """The cells of each output column of one chunk (``flat`` as fetched, row after row)."""
    width = 1 + len(plan.fetched)
    rows = len(flat) // width
    out: list[Sequence[str]] = []
    for column in plan.columns:
        if column.masked:
            out.append(list(repeat(MASK, rows)))
            continue
        values = flat[plan.position(column.name) :: width]
        out.append(number_column(values) if column.type in NUMERIC else text_column(values))
    return out


def chunk_text(plan: ExportPlan, flat: list[str]) -> str:
    """CSV lines of one chunk, each ending in CRLF."""
    if not flat:
        return ""
    return CRLF.join(map(",".join, zip(*output_columns(plan, flat), strict=True))) + CRLF


def chunk_lines(plan: ExportPlan, flat: list[str]) -> list[str]:
    """The chunk's CSV lines without line ends (sorted exports keep them apart to merge)."""
    return list(map(",".join, zip(*output_columns(plan, flat), strict=True)))
