"""Settings of export-svc."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from segshared.settings import PlatformSettings


class ExportSettings(PlatformSettings):
    port: int = Field(8104, validation_alias=AliasChoices("EXPORT_SVC_PORT"))
