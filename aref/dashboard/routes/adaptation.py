"""GET /api/aref/adaptation; POST /api/aref/adaptation/flags/{name} and /adaptation/traffic/{service}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aref.dashboard.control_plane import FlagView, TrafficView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses
from aref.dashboard.schemas.controls import FlagIn, FlagOut, TrafficIn, TrafficOut
from aref.dashboard.schemas.pillars import AdaptationOut

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])
ERRORS = error_responses(404, 409, 422)


@router.get("/adaptation", response_model=AdaptationOut)
async def get_adaptation(cp: Plane) -> dict[str, Any]:
    return await cp.adaptation()


@router.post("/adaptation/flags/{name}", response_model=FlagOut, responses=ERRORS)
async def set_flag(name: str, body: FlagIn, cp: Plane) -> FlagView:
    return await cp.set_flag(name, body.enabled)


@router.post("/adaptation/traffic/{service}", response_model=TrafficOut, responses=ERRORS)
async def set_traffic(service: str, body: TrafficIn, cp: Plane) -> TrafficView:
    return await cp.set_traffic(service, body.weights)
