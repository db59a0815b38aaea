"""GET /api/aref/absorption: the absorption engine's status."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter

from aref.control.wire import AbsorptionView
from aref.dashboard.deps import API_PREFIX, Plane

router = APIRouter(prefix=API_PREFIX, tags=["pillars"])


@router.get("/absorption")
async def get_absorption(cp: Plane) -> AbsorptionView:
    return cast(
        AbsorptionView, await cp.absorption()
    )  # typed dict[str, Any] by the plane; the response model checks it
