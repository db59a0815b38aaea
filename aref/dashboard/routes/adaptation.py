"""GET /api/aref/adaptation; POST /api/aref/adaptation/flags/{name} and /adaptation/traffic/{service}."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter

from aref.control.wire import AdaptationView, FlagView, TrafficView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses
from aref.dashboard.schemas.controls import FlagIn, TrafficIn

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])
ERRORS = error_responses(404, 409, 422)


@router.get("/adaptation")
async def get_adaptation(cp: Plane) -> AdaptationView:
    return cast(
        AdaptationView, await cp.adaptation()
    )  # typed dict[str, Any] by the plane; the response model checks it


@router.post("/adaptation/flags/{name}", responses=ERRORS)
async def set_flag(name: str, body: FlagIn, cp: Plane) -> FlagView:
    return await cp.set_flag(name, body.enabled)


@router.post("/adaptation/traffic/{service}", responses=ERRORS)
async def set_traffic(service: str, body: TrafficIn, cp: Plane) -> TrafficView:
    return await cp.set_traffic(service, body.weights)
