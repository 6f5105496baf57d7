"""What the HTTP routes depend on, put on the app by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from export_svc.adapters.files import ExportFiles
from export_svc.adapters.peers import HttpPeers
from export_svc.adapters.redis_members import RedisMembers
from export_svc.adapters.repository import JobStore
from export_svc.service_layer.streaming import Tuning
from export_svc.settings import ExportSettings


@dataclass(frozen=True)
class ApiServices:
    settings: ExportSettings
    store: JobStore
    members: RedisMembers
    peers: HttpPeers
    files: ExportFiles
    tuning: Tuning
    clock: Callable[[], datetime]


def _services(request: Request) -> ApiServices:
    services: ApiServices = request.app.state.services
    return services


Services = Annotated[ApiServices, Depends(_services)]
