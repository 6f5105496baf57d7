"""The published JSON Schemas, read from disk as an integrator would, with a date-time check."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from playerseg.contracts.files import DOCS, SCHEMAS

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    # RFC 3339 needs a zone, which is also what the contracts demand.
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@cache
def validator(message: str) -> Draft202012Validator:
    """A validator of ``docs/contracts/schemas/<message>.json``."""
    schema = json.loads((DOCS / SCHEMAS / f"{message}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FORMATS)


def problems(message: str, doc: Any) -> list[str]:
    """Every way ``doc`` breaks the published schema of ``message`` (empty: valid)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(message).iter_errors(doc)]  # fmt: skip
