"""GET /api/aref/absorption: the absorption engine's status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.pillars import AbsorptionOut

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/absorption", response_model=AbsorptionOut)
async def get_absorption(cp: Plane) -> dict[str, Any]:
    return await cp.absorption()
