"""GET /api/aref/recovery: the recovery engine's status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.pillars import RecoveryOut

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/recovery", response_model=RecoveryOut)
async def get_recovery(cp: Plane) -> dict[str, Any]:
    return await cp.recovery()
