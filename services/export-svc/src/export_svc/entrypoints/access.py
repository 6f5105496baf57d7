"""Who may see anonymized fields: callers whose key has the ``pii`` scope (or ``admin``).

Every route that reads profile values depends on `can_see_anonymized`; jobs and schedules
store the answer given when they were created.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from segshared.auth.fastapi import CurrentCaller


def can_see_anonymized(caller: CurrentCaller) -> bool:
    """Whether the caller may see anonymized fields unmasked."""
    return caller.sees_anonymized


RevealAnonymized = Annotated[bool, Depends(can_see_anonymized)]
