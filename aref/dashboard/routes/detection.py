"""GET /api/aref/detection: the detection engine's status."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter

from aref.control.wire import DetectionView
from aref.dashboard.deps import API_PREFIX, Plane

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/detection")
async def get_detection(cp: Plane) -> DetectionView:
    return cast(DetectionView, await cp.detection())  # typed dict[str, Any] by the plane; the response model checks it
