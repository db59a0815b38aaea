"""GET /api/aref/absorption; POST /api/aref/absorption/tiers/{service} (pin or lift a tier);
GET /api/aref/controls/applied (each replica's applied control state beside the desired one)."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter

from aref.control.wire import AbsorptionView, AppliedView, TierView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.common import error_responses
from aref.dashboard.schemas.controls import TierIn

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/absorption")
async def get_absorption(cp: Plane) -> AbsorptionView:
    return cast(
        AbsorptionView, await cp.absorption()
    )  # typed dict[str, Any] by the plane; the response model checks it


@router.post("/absorption/tiers/{service}", responses=error_responses(404, 422))
async def set_tier(service: str, body: TierIn, cp: Plane) -> TierView:
    return await cp.set_tier(service, body.tier)


@router.get("/controls/applied")
async def get_applied(cp: Plane) -> AppliedView:
    return await cp.applied_controls()
