"""Values the APIs accept, bounded by what the stores can hold: a larger id or a NUL character
gets a 422 that says so, not a database error."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le
from pydantic import StringConstraints

#: Rows are numbered by PostgreSQL ``integer`` columns: no id is larger.
MAX_ROW_ID = 2**31 - 1
#: Pages start at most this far in (PostgreSQL ``OFFSET`` is a ``bigint``; lists are smaller).
MAX_OFFSET = 2**31 - 1

RowId = Annotated[int, Ge(1), Le(MAX_ROW_ID)]
#: Text PostgreSQL can store and search: anything but NUL characters.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
