"""GET /api/aref/recovery: the recovery engine's status."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter

from aref.control.wire import RecoveryView
from aref.dashboard.deps import API_PREFIX, Plane

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/recovery")
async def get_recovery(cp: Plane) -> RecoveryView:
    return cast(RecoveryView, await cp.recovery())  # typed dict[str, Any] by the plane; the response model checks it
