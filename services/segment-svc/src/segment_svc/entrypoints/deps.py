"""What the HTTP routes depend on, put on the app by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from segment_svc.adapters.redis_views import SegmentViews
from segment_svc.service_layer import queries
from segshared.history import SizeHistory
from segshared.keys import Keys


@dataclass(frozen=True)
class ApiServices:
    """Everything the routes use, built by the composition root."""

    ctx: queries.SegmentContext
    views: SegmentViews
    keys: Keys
    partitions: int
    scratch_ttl_s: int
    history: SizeHistory


def _services(request: Request) -> ApiServices:
    services: ApiServices = request.app.state.services
    return services


Services = Annotated[ApiServices, Depends(_services)]
