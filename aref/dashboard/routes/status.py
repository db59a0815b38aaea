"""GET /api/aref/status: CRS, pillar levels, risk profile, alerts, recoveries, chaos."""

from __future__ import annotations

from fastapi import APIRouter

from aref.dashboard.control_plane import StatusView
from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.status import StatusOut

router = APIRouter(prefix=API_PREFIX, tags=["status"])


@router.get("/status", response_model=StatusOut)
async def get_status(cp: Plane) -> StatusView:
    return await cp.status()
