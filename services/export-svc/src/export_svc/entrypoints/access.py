"""Who may see anonymized fields: the one seam authentication will replace.

Until authentication lands (a later issue) there is no caller identity, so the answer is the
deployment's setting ``PLAYERSEG_REVEAL_ANONYMIZED`` (default false: every caller gets masked
anonymized fields). Every route that reads profile values depends on `can_see_anonymized`, so
the later change is this function alone: decide from the authenticated principal's role.
Jobs and schedules store the answer given when they were created.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request


def can_see_anonymized(request: Request) -> bool:
    """Whether the caller may see anonymized fields unmasked."""
    return bool(request.app.state.services.settings.reveal_anonymized)


RevealAnonymized = Annotated[bool, Depends(can_see_anonymized)]
