"""GET /api/aref/status: CRS, pillar levels, risk profile, alerts, recoveries, chaos."""

from __future__ import annotations

from fastapi import APIRouter

from aref.control.wire import StatusView
from aref.dashboard.deps import API_PREFIX, Plane

router = APIRouter(prefix=API_PREFIX, tags=["status"])


@router.get("/status")
async def get_status(cp: Plane) -> StatusView:
    return await cp.status()
