"""Reading an uploaded player list: a CSV with a player_id column, or one id per line."""

from __future__ import annotations

import csv
import io
import re

PLAYER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")  # as segshared.contracts.envelope.PlayerId
HEADER = "player_id"
MAX_ERRORS = 10


class UploadError(ValueError):
    """The file cannot be used; ``errors`` lists the offending lines (first few)."""

    def __init__(self, message: str, errors: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


def parse_player_ids(content: bytes) -> list[str]:
    """Distinct player ids in file order, or UploadError naming the bad lines."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(f"the file must be UTF-8 text ({exc.reason})") from exc
    try:
        # newline="": the csv module's own line handling, so \r and \r\n end rows too.
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise UploadError(f"the file is not readable as CSV ({exc})") from exc
    column, start = 0, 0
    if rows and HEADER in [c.strip().lower() for c in rows[0]]:
        column = [c.strip().lower() for c in rows[0]].index(HEADER)
        start = 1
    elif rows and len(rows[0]) > 1:
        raise UploadError("a CSV with several columns needs a header naming the player_id column")
    ids: dict[str, None] = {}
    errors: list[dict[str, object]] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not row or all(not c.strip() for c in row):
            continue  # blank lines are fine
        value = row[column].strip() if column < len(row) else ""
        if PLAYER_ID.match(value):
            ids[value] = None
        elif len(errors) < MAX_ERRORS:
            errors.append({"line": number, "value": value, "msg": _why(value)})
        else:
            break
    if errors:
        where = ", ".join(f"line {e['line']}" for e in errors)
        raise UploadError(f"invalid player ids at {where}", errors)
    if not ids:
        raise UploadError("the file lists no player ids")
    return list(ids)


def _why(value: str) -> str:
    if not value:
        return "empty player id"
    if len(value) > 64:
        return "a player id has at most 64 characters"
    return "a player id may use only letters, digits and _ . : -"
