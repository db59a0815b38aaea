"""GET /api/aref/detection: the detection engine's status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aref.dashboard.deps import API_PREFIX, Plane
from aref.dashboard.schemas.pillars import DetectionOut

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/detection", response_model=DetectionOut)
async def get_detection(cp: Plane) -> dict[str, Any]:
    return await cp.detection()
