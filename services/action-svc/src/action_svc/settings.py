"""Settings of action-svc."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from segshared.settings import PlatformSettings


class ActionSettings(PlatformSettings):
    port: int = Field(8103, validation_alias=AliasChoices("ACTION_SVC_PORT"))
