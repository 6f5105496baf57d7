"""What the HTTP routes depend on, put on the app by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from action_svc.adapters.dispatch_log import DispatchLog
from action_svc.adapters.target_sets import TargetSets
from action_svc.service_layer.actions import ActionContext


@dataclass(frozen=True)
class ApiServices:
    ctx: ActionContext
    log: DispatchLog
    target_sets: TargetSets


def _services(request: Request) -> ApiServices:
    services: ApiServices = request.app.state.services
    return services


Services = Annotated[ApiServices, Depends(_services)]
